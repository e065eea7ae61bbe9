import { findByIdOrNotFound, findPage, mapPage, Page, PageQuery } from '@tremplin/platform';
import type { EntityManager } from 'typeorm';
import { Company } from './company.entity';
import { CompanyView, toCompanyView } from './company.view';

export async function listCompanies(
  manager: EntityManager,
  query: PageQuery,
): Promise<Page<CompanyView>> {
  return mapPage(await findPage(manager.getRepository(Company), query), toCompanyView);
}

export async function getCompany(manager: EntityManager, id: string): Promise<CompanyView> {
  return toCompanyView(await findByIdOrNotFound(manager.getRepository(Company), id, 'company'));
}
