import { NotFound, scopedRepository, UseCaseContext } from '@tremplin/platform';
import { SchoolClass } from './school-class.entity';

/**
 * The class with this id in the caller's scope, locked until the transaction ends (else
 * NotFound), so that two periods scheduled at once for one class run one after the other and
 * the second sees the first (periods of a class never overlap).
 */
export async function lockClass(context: UseCaseContext, id: string): Promise<SchoolClass> {
  const schoolClass = await scopedRepository(context, SchoolClass, 'class')
    .createQueryBuilder('class')
    .andWhere('class.id = :id', { id })
    .setLock('pessimistic_write')
    .getOne();
  if (!schoolClass) throw new NotFound('class', id);
  return schoolClass;
}
