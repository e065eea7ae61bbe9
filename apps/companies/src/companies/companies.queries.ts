import { mapPage, Page, PageQuery, scopedRepository, UseCaseContext } from '@tremplin/platform';
import { Company } from './company.entity';
import { CompanyView, toCompanyView } from './company.view';

/** The company sites in the caller's scope, a page at a time. */
export async function listCompanies(
  context: UseCaseContext,
  query: PageQuery,
): Promise<Page<CompanyView>> {
  return mapPage(await scopedRepository(context, Company, 'company').page(query), toCompanyView);
}

/** A company site in the caller's scope, else NotFound. */
export async function getCompany(context: UseCaseContext, id: string): Promise<CompanyView> {
  return toCompanyView(await scopedRepository(context, Company, 'company').getById(id));
}
