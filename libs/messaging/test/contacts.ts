import { randomUUID } from 'node:crypto';
import { ContactDetailsChanged, TOPICS } from '@tremplin/contracts';
import {
  EventHandler,
  HandlerContext,
  Handles,
  HandlesTombstones,
  TombstoneContext,
  TombstoneHandler,
} from '../src/consumer/handler';
import { Effect } from './support';

/** Contact details of a person on the compacted contact topic, keyed by person id. */
export function contactDetails(
  personId: string = randomUUID(),
  givenName = 'Camille',
): ContactDetailsChanged {
  return ContactDetailsChanged.of({
    personId,
    role: 'guardian',
    givenName,
    familyName: 'Martin',
    email: 'camille.martin@example.org',
    locale: 'fr',
  });
}

/** The service's copy of a person's contact details: one test_effect row per person (event id, person id). */
@Handles(ContactDetailsChanged)
export class SaveContactWhenDetailsChanged implements EventHandler<ContactDetailsChanged> {
  async handle(event: ContactDetailsChanged, { manager, attributes }: HandlerContext) {
    await manager.delete(Effect, { key: event.personId });
    await manager.insert(Effect, { eventId: attributes.id, key: event.personId });
  }
}

/** GDPR erasure: deletes the copy when the tombstone of the person arrives. */
@HandlesTombstones(TOPICS.contacts)
export class EraseContactWhenTombstoned implements TombstoneHandler {
  /** Erasures written (a call whose transaction rolls back afterwards counts too). */
  readonly calls: { key: string; context: Omit<TombstoneContext, 'manager'> }[] = [];
  /** Scripted failures: the error to throw instead of erasing, if any. */
  failure: (key: string, context: TombstoneContext) => Error | undefined = () => undefined;

  async erase(key: string, context: TombstoneContext): Promise<void> {
    const failure = this.failure(key, context);
    if (failure) throw failure;
    const { manager, ...where } = context;
    await manager.delete(Effect, { key });
    this.calls.push({ key, context: where });
  }
}
