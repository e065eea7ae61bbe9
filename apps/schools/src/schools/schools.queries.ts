import { mapPage, Page, PageQuery, scopedRepository, UseCaseContext } from '@tremplin/platform';
import { School } from './school.entity';
import { SchoolView, toSchoolView } from './school.view';

/** The schools in the caller's scope, a page at a time. */
export async function listSchools(
  context: UseCaseContext,
  query: PageQuery,
): Promise<Page<SchoolView>> {
  return mapPage(await scopedRepository(context, School, 'school').page(query), toSchoolView);
}

/** A school in the caller's scope, else NotFound. */
export async function getSchool(context: UseCaseContext, id: string): Promise<SchoolView> {
  return toSchoolView(await scopedRepository(context, School, 'school').getById(id));
}
