import { findByIdOrNotFound, findPage, mapPage, Page, PageQuery } from '@tremplin/platform';
import type { EntityManager } from 'typeorm';
import { School } from './school.entity';
import { SchoolView, toSchoolView } from './school.view';

export async function listSchools(
  manager: EntityManager,
  query: PageQuery,
): Promise<Page<SchoolView>> {
  return mapPage(await findPage(manager.getRepository(School), query), toSchoolView);
}

export async function getSchool(manager: EntityManager, id: string): Promise<SchoolView> {
  return toSchoolView(await findByIdOrNotFound(manager.getRepository(School), id, 'school'));
}
