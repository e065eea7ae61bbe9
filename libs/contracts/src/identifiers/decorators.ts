import { ValidateBy, ValidationOptions } from 'class-validator';
import { isValidSiret, isValidUai } from './identifiers';

export const IsUai = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isUai',
      validator: {
        validate: isValidUai,
        defaultMessage: (args) =>
          `${args?.property} must be a UAI code: 7 digits and their check letter (e.g. 0381758E)`,
      },
    },
    options,
  );

export const IsSiret = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isSiret',
      validator: {
        validate: isValidSiret,
        defaultMessage: (args) =>
          `${args?.property} must be a SIRET number: 14 digits passing the Luhn check`,
      },
    },
    options,
  );
