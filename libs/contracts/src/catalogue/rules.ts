import { Matches, ValidationOptions } from 'class-validator';

export { IsSiret, IsUai } from '../identifiers';

// Reusable rules for the French identifiers and formats the events carry. Each is a plain
// class-validator rule so that the JSON Schema generator can translate it (see schema/).

export const UAI_PATTERN = /^\d{7}[A-HJ-NPR-Z]$/;
export const SIRET_PATTERN = /^\d{14}$/;
export const ACADEMY_PATTERN = /^\d{2}$/;
export const COMMUNE_PATTERN = /^(\d{5}|2[AB]\d{3})$/;
export const CALENDAR_DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const CFD_PATTERN = /^\d{8}$/;
export const ROME_PATTERN = /^[A-Z]\d{4}$/;
export const NAF_PATTERN = /^\d{2}\.\d{2}[A-Z]$/;

export const IsAcademy = (options?: ValidationOptions) =>
  Matches(ACADEMY_PATTERN, { message: '$property must be a two-digit academy code', ...options });
export const IsCommune = (options?: ValidationOptions) =>
  Matches(COMMUNE_PATTERN, { message: '$property must be an INSEE commune code', ...options });
export const IsCalendarDate = (options?: ValidationOptions) =>
  Matches(CALENDAR_DATE_PATTERN, {
    message: '$property must be a calendar date YYYY-MM-DD',
    ...options,
  });
export const IsCfd = (options?: ValidationOptions) =>
  Matches(CFD_PATTERN, { message: '$property must be an 8-digit diploma code (CFD)', ...options });

/** Training levels of vocational students. */
export const LEVELS = [
  'cap1',
  'cap2',
  'bacpro-seconde',
  'bacpro-premiere',
  'bacpro-terminale',
] as const;
export type Level = (typeof LEVELS)[number];

/**
 * Grounds for priority besides having no professional network (that one is the student's
 * `hasProfessionalNetwork`).
 */
export const PRIORITY_FLAGS = ['priority-education', 'scholarship'] as const;
export type PriorityFlag = (typeof PRIORITY_FLAGS)[number];
