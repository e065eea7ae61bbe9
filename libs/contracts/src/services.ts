/**
 * The four Tremplin services: the one list of their names. An event's producer is one of them;
 * platform's SERVICES gives each its port and database.
 */
export const SERVICE_NAMES = ['schools', 'companies', 'matching', 'notifications'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];
