import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { ALL_TOPICS } from '@tremplin/contracts';
import {
  COMPACTED_TOPIC_CONFIG,
  MessagingEnv,
  RETRY_TOPIC_MAX_MESSAGE_BYTES,
} from '@tremplin/messaging';
import {
  AuditEnv,
  AuthEnv,
  HttpEnv,
  loadConfig,
  PlatformEnv,
  SERVICE_NAMES,
  SERVICES,
  ServiceName,
} from '@tremplin/platform';
import { parse, parseAllDocuments } from 'yaml';

/**
 * The deployment files (Dockerfile, docker-compose.yml, k8s/) against the code's own facts:
 * SERVICES (ports, databases), the env classes (variables), the contracts (topics). No Docker
 * engine or cluster is needed: the files are parsed, and the kustomizations resolved by reading
 * them (and rendered by `kubectl kustomize` too where kubectl is installed).
 */

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// ------------------------------------------------------------------------------------------
// Variables, from the class-validator metadata of the env classes every service reads.

type EnvClass = new () => object;
const ENV_CLASSES: EnvClass[] = [PlatformEnv, MessagingEnv, AuthEnv, HttpEnv, AuditEnv];

/**
 * The variables of an env class: every one it declares, and which of them a given environment
 * must provide. A variable with a default is never required; one without is, unless one of its
 * conditions (@IsOptional, @ValidateIf) lets it be absent in that environment: the condition is
 * evaluated as class-validator does, on the environment without the variable (an empty value
 * counts as unset, as in loadConfig). JWT_SECRET is so required without AUTH_JWKS_URL only,
 * AUTH_ISSUER and AUTH_AUDIENCE with it only.
 */
function variablesOf(envClass: EnvClass): {
  declared: string[];
  requiredIn: (env: Record<string, string | undefined>) => string[];
} {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(envClass, '', true, false);
  const declared = [...new Set(metadata.map((m) => m.propertyName))];
  const defaults = new envClass() as Record<string, unknown>;
  const conditions = (name: string) =>
    metadata
      .filter((m) => m.propertyName === name && m.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((m) => m.constraints[0] as (object: object, value: unknown) => boolean);
  const requiredIn = (env: Record<string, string | undefined>) =>
    declared.filter((name) => {
      if (defaults[name] !== undefined) return false;
      const without = Object.fromEntries(
        Object.entries(env).filter(([key, value]) => key !== name && value !== ''),
      );
      return conditions(name).every((condition) => condition(without, undefined));
    });
  return { declared, requiredIn };
}

const DECLARED = new Set(ENV_CLASSES.flatMap((envClass) => variablesOf(envClass).declared));
/** What the given environment must also provide, for every env class the services read. */
const requiredIn = (env: Record<string, string | undefined>, classes = ENV_CLASSES) => [
  ...new Set(classes.flatMap((envClass) => variablesOf(envClass).requiredIn(env))),
];
/** `main.js migrate` (the migration Jobs) reads PlatformEnv only (libs/platform/src/bootstrap.ts). */
const MIGRATION_ENV_CLASSES: EnvClass[] = [PlatformEnv];
/** Required whatever else is set. */
const REQUIRED = ENV_CLASSES.flatMap((envClass) => {
  const { requiredIn: of } = variablesOf(envClass);
  return of({}).filter((name) => of({ AUTH_JWKS_URL: 'https://idp.example/certs' }).includes(name));
});
const AUTH_JWKS = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'];
const DEFAULT_GRACE_MS = new PlatformEnv().SHUTDOWN_GRACE_MS;

describe('the env classes', () => {
  it('declare the variables of every class the services read', () => {
    for (const name of [
      'DATABASE_URL',
      'KAFKA_BROKERS',
      ...AUTH_JWKS,
      'JWT_SECRET',
      'JWT_ISSUER',
      'AUTH_CLAIM_ROLES',
      'HTTP_BODY_LIMIT',
      'CORS_ORIGINS',
      'TRUST_PROXY',
      'METRICS_ACCESS',
      'DOCS_ENABLED',
      'AUDIT_RETENTION_DAYS',
    ])
      expect({ name, declared: DECLARED.has(name) }).toEqual({ name, declared: true });
  });

  it('require the database, Kafka and Redis whatever the token configuration', () => {
    expect(REQUIRED).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS']),
    );
    for (const name of REQUIRED) expect(DECLARED.has(name)).toBe(true);
    for (const name of ['JWT_SECRET', ...AUTH_JWKS, 'PORT', 'CORS_ORIGINS', 'LOG_LEVEL'])
      expect(REQUIRED).not.toContain(name);
  });

  it('require JWT_SECRET without AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE with it', () => {
    const hs256 = requiredIn({});
    expect(hs256).toContain('JWT_SECRET');
    expect(hs256).not.toContain('AUTH_ISSUER');
    expect(hs256).not.toContain('AUTH_AUDIENCE');
    const jwks = requiredIn({ AUTH_JWKS_URL: 'https://idp.example/certs' });
    expect(jwks).toEqual(expect.arrayContaining(['AUTH_ISSUER', 'AUTH_AUDIENCE']));
    expect(jwks).not.toContain('JWT_SECRET');
    // An empty AUTH_JWKS_URL is unset (loadConfig): HS256 again.
    expect(requiredIn({ AUTH_JWKS_URL: '' })).toContain('JWT_SECRET');
    // The same answer as the class itself gives.
    expect(() => loadConfig(AuthEnv, {})).toThrow(/JWT_SECRET/);
    expect(() => loadConfig(AuthEnv, { AUTH_JWKS_URL: 'https://idp.example/certs' })).toThrow(
      /AUTH_ISSUER[\s\S]*AUTH_AUDIENCE/,
    );
  });
});

// ------------------------------------------------------------------------------------------
// Dockerfile

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds in stages from node 20 slim and runs the chosen service as a non-root user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toMatch(/^ENV [^\n]*(?:\\\n[^\n]*)*\bSERVICE=\$\{SERVICE\}/m);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^CMD .*node .*dist\/apps\/\$SERVICE\/src\/main\.js/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });

  it('checks /health/live from the image, on the port of the service catalogue', () => {
    const script = read('docker/healthcheck.js');
    expect(script).toMatch(/\/health\/live/);
    expect(script).toMatch(/dist\/libs\/platform\/src\/services/);
  });
});

// ------------------------------------------------------------------------------------------
// docker-compose.yml

interface ComposeService {
  image?: string;
  build?: { context?: string; args?: Record<string, string> };
  ports?: (string | { target: number; published?: number | string })[];
  environment?: Record<string, string | number | null>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  stop_grace_period?: string;
}

/** Compose durations such as 15s, 1m30s, 500ms. */
function durationMs(value: string): number {
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) {
    total += Number(amount) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 }[unit as 'h'];
  }
  return total;
}

/** Host of a URL or host:port list entry, e.g. postgres://u:p@postgres:5432/db -> postgres. */
function hostsOf(value: string): string[] {
  return value
    .split(',')
    .map((entry) => (entry.includes('://') ? new URL(entry).hostname : entry.split(':')[0]));
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    version?: string;
    services: Record<string, ComposeService>;
  };

  it('follows the Compose specification (no version key)', () => {
    expect(compose.version).toBeUndefined();
  });

  it('gives every container a health check', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, test: service.healthcheck?.test }).toEqual({ name, test: expect.anything() });
      expect(service.healthcheck?.disable).not.toBe(true);
    }
  });

  it('runs a single KRaft Kafka 4 broker, at the version the tests use, with auto-create off', () => {
    const kafka = compose.services.kafka;
    const pomVersion = /<kafka\.version>([^<]+)</.exec(read('scripts/kafka/pom.xml'))?.[1];
    expect(kafka.image).toBe(`apache/kafka:${pomVersion}`);
    expect(pomVersion).toMatch(/^4\./);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(String(kafka.environment?.KAFKA_AUTO_CREATE_TOPICS_ENABLE)).toBe('false');
  });

  it('creates the database of every service in PostgreSQL 15', () => {
    expect(compose.services.postgres.image).toMatch(/^postgres:15\b/);
    const init = read('docker/postgres-init.sql');
    for (const name of SERVICE_NAMES)
      expect(init).toMatch(new RegExp(`CREATE DATABASE ${SERVICES[name].database};`));
    expect(compose.services.redis.image).toMatch(/^redis:7\b/);
  });

  describe.each(SERVICE_NAMES)('%s', (name) => {
    const service = compose.services[name];
    const env = () =>
      Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]),
      );

    it('is built from the one Dockerfile for this service', () => {
      expect(service.build?.args?.SERVICE).toBe(name);
      expect(service.build?.context).toBe('.');
    });

    it('publishes its port from SERVICES', () => {
      const port = SERVICES[name].port;
      const targets = (service.ports ?? []).map((p) =>
        typeof p === 'string' ? Number(p.split(':').pop()) : p.target,
      );
      expect(targets).toContain(port);
      if (env().PORT) expect(Number(env().PORT)).toBe(port);
    });

    it('is given every variable the code requires, and only variables the code declares', () => {
      for (const variable of requiredIn(env()))
        expect({ variable, value: env()[variable] }).toEqual({
          variable,
          value: expect.stringMatching(/./),
        });
      for (const variable of Object.keys(env()))
        expect({ variable, declared: DECLARED.has(variable) }).toEqual({
          variable,
          declared: true,
        });
      expect(new URL(env().DATABASE_URL).pathname).toBe(`/${SERVICES[name].database}`);
    });

    it('waits for healthy dependencies, which include every host it is pointed at', () => {
      const dependsOn = service.depends_on ?? {};
      for (const [dependency, { condition }] of Object.entries(dependsOn)) {
        expect({ dependency, condition }).toEqual({ dependency, condition: 'service_healthy' });
      }
      const hosts = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS'].flatMap((variable) =>
        hostsOf(env()[variable]),
      );
      for (const host of hosts) {
        expect(Object.keys(compose.services)).toContain(host);
        expect(Object.keys(dependsOn)).toContain(host);
      }
    });

    it('is given more time to stop than its shutdown grace period', () => {
      const graceMs = Number(env().SHUTDOWN_GRACE_MS || DEFAULT_GRACE_MS);
      expect(durationMs(service.stop_grace_period ?? '10s')).toBeGreaterThan(graceMs);
    });
  });
});

/**
 * Compose's variable interpolation (Compose specification, "Interpolation"): `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `$$` for a `$`. Throws,
 * as `docker compose` does, with the error of the first required variable unset.
 */
function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^}]|\}(?=[^\n]*\}))*?))?\}/g,
    (whole, name: string | undefined, operator: string | undefined, argument = '') => {
      if (whole === '$$') return '$';
      const value = env[name as string];
      const unset = operator?.startsWith(':') ? !value : value === undefined;
      if (operator?.endsWith('?') && unset) throw new Error(`${name}: ${argument}`);
      if (operator?.endsWith('-') && unset) return argument;
      return value ?? '';
    },
  );
}

describe('docker-compose.yml: no secret baked in, services on 127.0.0.1 unless configured', () => {
  const raw = read('docker-compose.yml');
  const SECRETS = { JWT_SECRET: 'a-secret-from-the-environment', POSTGRES_PASSWORD: 'pg-from-env' };
  const composeWith = (env: Record<string, string>) =>
    parse(interpolate(raw, env), { merge: true }) as { services: Record<string, ComposeService> };

  it.each(Object.keys(SECRETS))(
    'refuses to start without %s, with an error that says how to give it',
    (variable) => {
      const without: Record<string, string> = { ...SECRETS };
      delete without[variable];
      expect(() => composeWith(without)).toThrow(new RegExp(`^${variable}: .*(export|\\.env)`));
    },
  );

  it('takes every secret from the environment, none from the file', () => {
    const compose = composeWith(SECRETS);
    for (const name of SERVICE_NAMES) {
      const env = compose.services[name].environment ?? {};
      expect({ name, secret: env.JWT_SECRET }).toEqual({ name, secret: SECRETS.JWT_SECRET });
      expect(new URL(String(env.DATABASE_URL)).password).toBe(SECRETS.POSTGRES_PASSWORD);
    }
    expect(compose.services.postgres.environment?.POSTGRES_PASSWORD).toBe(
      SECRETS.POSTGRES_PASSWORD,
    );
    // No literal value for a secret anywhere in the file: only required interpolations.
    for (const [, variable, value] of raw.matchAll(/^\s*(\w*(?:SECRET|PASSWORD)\w*):\s*(.+)$/gm))
      expect({ variable, value }).toEqual({
        variable,
        value: expect.stringMatching(/^'?\$\{\w+:\?[^}]+\}'?$/),
      });
  });

  const published = (compose: { services: Record<string, ComposeService> }) =>
    Object.entries(compose.services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => {
        const parts = String(port).split(':');
        return { name, address: parts.length === 3 ? parts[0] : '(all interfaces)' };
      }),
    );

  it('verifies HS256 tokens with JWT_SECRET unless AUTH_JWKS_URL is given, then passes the provider through', () => {
    const authOf = (env: Record<string, string>) =>
      SERVICE_NAMES.map((name) => {
        const raw = composeWith(env).services[name].environment ?? {};
        const values = Object.fromEntries(
          Object.entries(raw).map(([k, v]) => [k, String(v ?? '')]),
        );
        return loadConfig(AuthEnv, values);
      });
    for (const auth of authOf(SECRETS)) {
      expect(auth.AUTH_JWKS_URL).toBeUndefined();
      expect(auth.JWT_SECRET).toBe(SECRETS.JWT_SECRET);
    }
    const provider = {
      AUTH_JWKS_URL: 'https://idp.example/realms/dev/protocol/openid-connect/certs',
      AUTH_ISSUER: 'https://idp.example/realms/dev',
      AUTH_AUDIENCE: 'tremplin',
    };
    for (const auth of authOf({ ...SECRETS, ...provider })) expect(auth).toMatchObject(provider);
    expect(() => authOf({ ...SECRETS, AUTH_JWKS_URL: provider.AUTH_JWKS_URL })).toThrow(
      /AUTH_ISSUER/,
    );
  });

  it('publishes every port on 127.0.0.1 by default', () => {
    const ports = published(composeWith(SECRETS));
    expect(ports.length).toBeGreaterThanOrEqual(SERVICE_NAMES.length + 3);
    for (const port of ports) expect(port).toEqual({ name: port.name, address: '127.0.0.1' });
  });

  it('publishes the services on TREMPLIN_BIND_ADDRESS when configured, the infrastructure never', () => {
    const ports = published(composeWith({ ...SECRETS, TREMPLIN_BIND_ADDRESS: '0.0.0.0' }));
    for (const port of ports)
      expect(port).toEqual({
        name: port.name,
        address: (SERVICE_NAMES as readonly string[]).includes(port.name) ? '0.0.0.0' : '127.0.0.1',
      });
  });
});

// ------------------------------------------------------------------------------------------
// k8s/: the kustomizations, read and resolved from the files.

type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: any;
};
interface Kustomization {
  resources?: string[];
  components?: string[];
  patches?: { path?: string; patch?: string; target?: { kind?: string; name?: string } }[];
  patchesStrategicMerge?: string[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  labels?: { pairs: Record<string, string>; includeTemplates?: boolean }[];
}
interface Generator {
  name: string;
  behavior?: string;
  literals?: string[];
  files?: string[];
  envs?: string[];
}

const K8S = join(ROOT, 'k8s');

function kustomizationDirs(dir = K8S): string[] {
  const here = existsSync(join(dir, 'kustomization.yaml')) ? [dir] : [];
  const children = readdirSync(dir)
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isDirectory());
  return [...here, ...children.flatMap((child) => kustomizationDirs(child))];
}

const readKustomization = (dir: string) =>
  parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
const readDocs = (path: string) =>
  parseAllDocuments(readFileSync(path, 'utf8'))
    .map((document) => document.toJS() as Doc | null)
    .filter((doc): doc is Doc => doc !== null);

/** Files a kustomization names (a file without "=" may be "key=path"). */
function referencedPaths(k: Kustomization): string[] {
  const generated = [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])].flatMap((g) => [
    ...(g.files ?? []).map((f) => f.split('=').pop() as string),
    ...(g.envs ?? []),
  ]);
  return [
    ...(k.resources ?? []),
    ...(k.components ?? []),
    ...(k.patchesStrategicMerge ?? []),
    ...(k.patches ?? []).flatMap((p) => (p.path ? [p.path] : [])),
    ...generated,
  ];
}

/** A strategic merge as kustomize does it for pod specs: lists of named items merge by name. */
function merge(base: any, patch: any): any {
  if (Array.isArray(base) && Array.isArray(patch)) {
    const named = (list: any[]) =>
      list.every((item) => item && typeof item === 'object' && 'name' in item);
    if (!named(base) || !named(patch)) return patch;
    const result = base.map((item) => {
      const other = patch.find((p) => p.name === item.name);
      return other ? merge(item, other) : item;
    });
    return [...patch.filter((p) => !base.some((item) => item.name === p.name)), ...result];
  }
  if (
    base &&
    patch &&
    typeof base === 'object' &&
    typeof patch === 'object' &&
    !Array.isArray(patch)
  ) {
    const result = { ...base };
    for (const [key, value] of Object.entries(patch))
      result[key] = key in base ? merge(base[key], value) : value;
    return result;
  }
  return patch;
}

/** Renders the base: its resources with its strategic-merge patches applied by target kind. */
function renderBase(): { docs: Doc[]; configMaps: Record<string, Record<string, string>> } {
  const dir = join(K8S, 'base');
  const k = readKustomization(dir);
  let docs = (k.resources ?? []).flatMap((resource) => readDocs(join(dir, resource)));
  for (const { pairs, includeTemplates } of k.labels ?? []) {
    docs = docs.map((doc) => {
      const labelled = merge(doc, { metadata: { labels: pairs } });
      return includeTemplates && doc.spec?.template
        ? merge(labelled, { spec: { template: { metadata: { labels: pairs } } } })
        : labelled;
    });
  }
  for (const { path, target } of k.patches ?? []) {
    if (!path || !existsSync(join(dir, path))) continue; // reported by the "names only files that exist" test
    const [patch] = readDocs(join(dir, path));
    const kind = new RegExp(`^(?:${target?.kind ?? patch.kind})$`);
    docs = docs.map((doc) =>
      kind.test(doc.kind) && (!target?.name || doc.metadata.name === target.name)
        ? {
            ...merge(doc, { ...patch, apiVersion: doc.apiVersion, kind: doc.kind }),
            metadata: doc.metadata,
          }
        : doc,
    );
  }
  const configMaps = Object.fromEntries(
    (k.configMapGenerator ?? []).map((g) => [
      g.name,
      Object.fromEntries((g.literals ?? []).map((l) => l.split(/=(.*)/s).slice(0, 2))),
    ]),
  );
  return { docs, configMaps };
}

const labels = (selector: any) =>
  Object.entries(selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** An ingress peer, in words: only whole namespaces named by kubernetes.io/metadata.name. */
function ingressPeer(peer: any): string {
  const namespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
  if (namespace && !peer.podSelector && !peer.ipBlock) return `namespace ${namespace}`;
  return `other ${JSON.stringify(peer)}`;
}

/**
 * An egress peer, in words; "any" when it names no particular destination: an ipBlock of the
 * whole Internet, or a selector with no labels (every pod, or every namespace).
 */
function egressPeer(peer: any): string {
  if (peer.ipBlock) {
    const [, bits] = String(peer.ipBlock.cidr).split('/');
    return Number(bits) < 8 ? `any ip ${peer.ipBlock.cidr}` : `ips ${peer.ipBlock.cidr}`;
  }
  const pods = labels(peer.podSelector);
  const namespaces = labels(peer.namespaceSelector);
  if (!pods || (peer.namespaceSelector && !namespaces)) return `any pods ${JSON.stringify(peer)}`;
  const namespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
  return `pods ${pods}${peer.namespaceSelector ? ` in namespace ${namespace ?? namespaces}` : ''}`;
}

/**
 * How an overlay's pods verify tokens: the base chooses neither way; the academy's against its
 * identity provider (AUTH_JWKS_URL, no JWT_SECRET); development's with HS256 (JWT_SECRET).
 */
type AuthMode = 'chosen by the overlay' | 'identity provider' | 'HS256';

/** The assertions about one rendering of the manifests (the base, or an overlay rendered by kubectl). */
function checkManifests(
  docs: Doc[],
  configMaps: Record<string, Record<string, string>>,
  label: string,
  auth: AuthMode,
): void {
  const find = (kind: string, name: string) =>
    docs.find((d) => d.kind === kind && d.metadata.name === name);
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
  // kustomize renames generated ConfigMaps with a hash suffix.
  const configMap = (name: string) =>
    configMaps[name] ?? byKind('ConfigMap').find((d) => d.metadata.name === name)?.data ?? {};

  function envOf(container: any): Record<string, { value?: string; secret?: boolean }> {
    const fromMaps = (container.envFrom ?? []).flatMap((source: any) =>
      source.configMapRef
        ? Object.entries(configMap(source.configMapRef.name)).map(([name, value]) => [
            name,
            { value: String(value) },
          ])
        : [],
    );
    const explicit = (container.env ?? []).map((e: any) => [
      e.name,
      { value: e.value, secret: Boolean(e.valueFrom?.secretKeyRef) },
    ]);
    return Object.fromEntries([...fromMaps, ...explicit]);
  }

  function checkPod(pod: any, service: ServiceName, what: string, classes = ENV_CLASSES): any {
    const container = pod.containers.find((c: any) => c.name === 'app') ?? pod.containers[0];
    expect({ what, image: container.image }).toEqual({
      what,
      image: expect.stringContaining(`tremplin/${service}`),
    });
    const env = envOf(container);
    // What the env classes see: a Secret's value stands in as a valid one (not known here).
    const values = Object.fromEntries(
      Object.entries(env).map(([name, { value, secret }]) => [
        name,
        secret ? 'a-value-from-the-secret' : (value ?? '(from elsewhere)'),
      ]),
    );
    const required =
      auth === 'chosen by the overlay'
        ? REQUIRED.filter((name) => requiredIn(values, classes).includes(name))
        : requiredIn(values, classes);
    for (const variable of required)
      expect({ what, variable, provided: variable in env }).toEqual({
        what,
        variable,
        provided: true,
      });
    for (const variable of Object.keys(env))
      expect({ what, variable, declared: DECLARED.has(variable) }).toEqual({
        what,
        variable,
        declared: true,
      });
    // Credentials come from a Secret the academy provides, never from a committed value.
    for (const variable of [
      'DATABASE_URL',
      'REDIS_URL',
      ...('JWT_SECRET' in env ? ['JWT_SECRET'] : []),
    ])
      expect({ what, variable, secret: env[variable]?.secret }).toEqual({
        what,
        variable,
        secret: true,
      });
    // A Secret the rendering generates (overlays/dev) has every key the pod takes from it.
    for (const e of container.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      const generated = ref && byKind('Secret').find((d) => d.metadata.name === ref.name);
      if (generated)
        expect({ what, variable: e.name, key: ref.key in (generated.data ?? {}) }).toEqual({
          what,
          variable: e.name,
          key: true,
        });
    }
    const tokens = Object.fromEntries(
      ['JWT_SECRET', ...AUTH_JWKS].map((name) => [name, name in env]),
    );
    if (auth === 'chosen by the overlay')
      expect({ what, tokens }).toEqual({
        what,
        tokens: {
          JWT_SECRET: false,
          AUTH_JWKS_URL: false,
          AUTH_ISSUER: false,
          AUTH_AUDIENCE: false,
        },
      });
    if (auth === 'HS256') {
      expect({ what, tokens }).toEqual({
        what,
        tokens: {
          JWT_SECRET: true,
          AUTH_JWKS_URL: false,
          AUTH_ISSUER: false,
          AUTH_AUDIENCE: false,
        },
      });
      expect(loadConfig(AuthEnv, values).JWT_SECRET).toBeDefined();
    }
    if (auth === 'identity provider') {
      expect({ what, tokens }).toEqual({
        what,
        tokens: { JWT_SECRET: false, AUTH_JWKS_URL: true, AUTH_ISSUER: true, AUTH_AUDIENCE: true },
      });
      // Non-secret values of the ConfigMap, valid as they are (placeholders the academy replaces).
      const config = loadConfig(AuthEnv, values);
      expect(new URL(config.AUTH_JWKS_URL!).protocol).toBe('https:');
      expect(config.AUTH_ISSUER).toMatch(/./);
      expect(config.AUTH_AUDIENCE).toMatch(/./);
    }
    // The rest of the configuration the pod is given passes validation (MessagingEnv aside: it
    // checks that KAFKA_SSL_CA_FILE is readable, a file mounted only in the cluster).
    if (auth !== 'chosen by the overlay')
      for (const envClass of [PlatformEnv, HttpEnv, AuditEnv] as EnvClass[])
        expect(() => loadConfig(envClass, values)).not.toThrow();
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources?.requests).toEqual(
      expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
    );
    expect(container.resources?.limits).toEqual(
      expect.objectContaining({ memory: expect.anything() }),
    );
    return { container, env };
  }

  describe.each(SERVICE_NAMES)(`${label}: %s`, (service) => {
    const { port } = SERVICES[service];

    it('has a Deployment on its port, with probes on the health endpoints', () => {
      const deployment = find('Deployment', service);
      expect(deployment).toBeDefined();
      const pod = deployment!.spec.template.spec;
      const { container, env } = checkPod(pod, service, `${service} Deployment`);
      const http = container.ports.find((p: any) => p.containerPort === port);
      expect(http).toBeDefined();
      if (env.PORT?.value) expect(Number(env.PORT.value)).toBe(port);
      const probePort = (probe: any) => probe?.httpGet?.port;
      expect([http.name, port]).toContain(probePort(container.livenessProbe));
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect([http.name, port]).toContain(probePort(container.readinessProbe));
      expect(container.startupProbe.httpGet.path).toBe('/health/live');
      // Long enough for the preStop pause plus the service's own drain.
      const graceMs = Number(env.SHUTDOWN_GRACE_MS?.value ?? DEFAULT_GRACE_MS);
      const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
      const pauseMs = preStop[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
      expect((pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(graceMs + pauseMs);
      expect(pod.serviceAccountName).toBe(service);
      expect(find('ServiceAccount', service)).toBeDefined();
    });

    it('has a Service, an autoscaler and a disruption budget for that Deployment', () => {
      const deployment = find('Deployment', service)!;
      const podLabels = deployment.spec.template.metadata.labels;
      const selects = (selector: Record<string, string>) =>
        Object.entries(selector).every(([k, v]) => podLabels[k] === v);
      const svc = find('Service', service)!;
      expect(selects(svc.spec.selector)).toBe(true);
      expect(svc.spec.ports).toEqual(expect.arrayContaining([expect.objectContaining({ port })]));
      const hpa = find('HorizontalPodAutoscaler', service)!;
      expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: service });
      expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas ?? 1);
      const pdb = find('PodDisruptionBudget', service)!;
      expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
      expect(pdb.spec.maxUnavailable ?? pdb.spec.minAvailable).toBeDefined();
    });

    it('has a migration Job running the same image', () => {
      const job = find('Job', `${service}-migrate`);
      expect(job).toBeDefined();
      const { container } = checkPod(
        job!.spec.template.spec,
        service,
        `${service} migration Job`,
        MIGRATION_ENV_CLASSES,
      );
      expect(container.command).toEqual(['node', `dist/apps/${service}/src/main.js`, 'migrate']);
      expect(job!.spec.template.spec.restartPolicy).toMatch(/^(Never|OnFailure)$/);
      // ...so that the replicas never race each other on the schema at start-up.
      const app = find('Deployment', service)!.spec.template.spec.containers.find(
        (c: any) => c.name === 'app',
      );
      expect(envOf(app).RUN_MIGRATIONS_AT_START?.value).toBe('false');
    });

    it('lets traffic in on its port from the ingress controller and monitoring only, and out to the named DNS, PostgreSQL, Kafka, Redis and identity provider only', () => {
      const policies = byKind('NetworkPolicy');
      const pod = find('Deployment', service)!.spec.template;
      const container = pod.spec.containers.find((c: any) => c.name === 'app');
      const portName = container.ports.find((p: any) => p.containerPort === port).name;
      const applies = (policy: Doc) =>
        Object.entries(policy.spec.podSelector.matchLabels ?? {}).every(
          ([k, v]) => pod.metadata.labels[k] === v,
        );
      const mine = policies.filter(applies);
      expect(
        mine.some(
          (p) =>
            p.spec.policyTypes.includes('Ingress') &&
            p.spec.policyTypes.includes('Egress') &&
            !p.spec.ingress &&
            !p.spec.egress,
        ),
      ).toBe(true);
      const ingressPorts = mine.flatMap((p) =>
        (p.spec.ingress ?? []).flatMap((rule: any) => (rule.ports ?? []).map((x: any) => x.port)),
      );
      expect(ingressPorts.some((p) => p === port || p === portName)).toBe(true);
      const egressPorts = mine.flatMap((p) =>
        (p.spec.egress ?? []).flatMap((rule: any) => (rule.ports ?? []).map((x: any) => x.port)),
      );
      expect(new Set(egressPorts)).toEqual(new Set([53, 5432, 9092, 6379, 443]));
      // Destinations, not just ports: every rule names its peers, none is "any host".
      for (const rule of mine.flatMap((p) => p.spec.ingress ?? []))
        expect({ from: (rule.from ?? []).map(ingressPeer) }).toEqual({
          from: [expect.stringMatching(/^namespace (ingress-nginx|monitoring)$/)],
        });
      for (const rule of mine.flatMap((p) => p.spec.egress ?? [])) {
        const ports = (rule.ports ?? []).map((x: any) => x.port);
        expect({ ports, to: (rule.to ?? []).map(egressPeer) }).toEqual({
          ports,
          to: expect.arrayContaining([expect.stringMatching(/^(pods|ips) /)]),
        });
        for (const peer of (rule.to ?? []).map(egressPeer))
          expect({ ports, peer }).toEqual({ ports, peer: expect.not.stringMatching(/any/) });
      }
      const peersOn = (port: number) =>
        mine
          .flatMap((p) => p.spec.egress ?? [])
          .filter((rule: any) => (rule.ports ?? []).some((x: any) => x.port === port))
          .flatMap((rule: any) => (rule.to ?? []).map(egressPeer));
      expect(peersOn(53)).toEqual(['pods k8s-app=kube-dns in namespace kube-system']);
      expect(peersOn(9092)).toEqual([
        expect.stringMatching(/^pods strimzi\.io\/cluster=tremplin,strimzi\.io\/kind=Kafka\b/),
      ]);
    });
  });

  it(`${label}: declares a Strimzi KafkaTopic for every topic of the contracts`, () => {
    const topics = new Map(
      byKind('KafkaTopic').map((t) => [t.spec.topicName ?? t.metadata.name, t]),
    );
    for (const topic of ALL_TOPICS) {
      const resource = topics.get(topic.name);
      expect({ topic: topic.name, declared: Boolean(resource) }).toEqual({
        topic: topic.name,
        declared: true,
      });
      expect(resource!.metadata.labels?.['strimzi.io/cluster']).toBeTruthy();
      expect(resource!.spec.partitions).toBeGreaterThan(0);
      expect(resource!.spec.replicas).toBeGreaterThan(0);
      expect({
        topic: topic.name,
        compact: resource!.spec.config?.['cleanup.policy'] === 'compact',
      }).toEqual({
        topic: topic.name,
        compact: Boolean(topic.compacted),
      });
    }
  });
}

describe('k8s', () => {
  it('has a dev and an academy overlay on the base', () => {
    for (const overlay of ['dev', 'academy'])
      expect(readKustomization(join(K8S, 'overlays', overlay)).resources).toContain('../../base');
  });

  it.each(kustomizationDirs().map((dir) => [dir.slice(ROOT.length + 1), dir]))(
    '%s names only files that exist',
    (_, dir) => {
      for (const path of referencedPaths(readKustomization(dir))) {
        const target = join(dir, path);
        expect({ path, exists: existsSync(target) }).toEqual({ path, exists: true });
        if (statSync(target).isDirectory())
          expect(existsSync(join(target, 'kustomization.yaml'))).toBe(true);
        else for (const doc of readDocs(target)) expect(doc.kind).toBeTruthy();
      }
    },
  );

  // From the files themselves, so that these hold where kubectl is not installed too.
  it.each(kustomizationDirs().map((dir) => [dir.slice(ROOT.length + 1), dir]))(
    '%s sets only variables the env classes declare',
    (_, dir) => {
      const k = readKustomization(dir);
      const set = [
        ...(k.configMapGenerator ?? [])
          .flatMap((g) => g.literals ?? [])
          .map((l) => l.split('=')[0]),
        ...(k.patches ?? [])
          .flatMap((p) =>
            p.path && existsSync(join(dir, p.path)) ? readDocs(join(dir, p.path)) : [],
          )
          .flatMap((doc) => doc.spec?.template?.spec?.containers ?? [])
          .flatMap((c: any) => (c.env ?? []).map((e: any) => e.name as string)),
      ];
      for (const variable of set)
        expect({ variable, declared: DECLARED.has(variable) }).toEqual({
          variable,
          declared: true,
        });
    },
  );

  it('configures the identity provider in overlays/academy only, JWT_SECRET in overlays/dev only', () => {
    const mentions = (dir: string, pattern: RegExp) => {
      const k = readKustomization(dir);
      const docs = [
        k,
        ...referencedPaths(k)
          .map((path) => join(dir, path))
          .filter((path) => existsSync(path) && statSync(path).isFile())
          .flatMap((path) => readDocs(path)),
      ];
      // Parsed documents: comments do not count.
      return docs.some((doc) => pattern.test(JSON.stringify(doc)));
    };
    const overlays = {
      base: join(K8S, 'base'),
      dev: join(K8S, 'overlays', 'dev'),
      academy: join(K8S, 'overlays', 'academy'),
    };
    const jwtSecret = /JWT_SECRET|jwt-secret/;
    const provider = /AUTH_(JWKS_URL|ISSUER|AUDIENCE)/;
    expect(mentions(overlays.base, jwtSecret)).toBe(false);
    expect(mentions(overlays.base, provider)).toBe(false);
    expect(mentions(overlays.academy, jwtSecret)).toBe(false);
    expect(mentions(overlays.dev, provider)).toBe(false);
    expect(mentions(overlays.dev, jwtSecret)).toBe(true);
    const literals = (readKustomization(overlays.academy).configMapGenerator ?? []).find(
      (g) => g.name === 'tremplin-config',
    )?.literals;
    for (const name of AUTH_JWKS)
      expect(literals).toContainEqual(expect.stringMatching(new RegExp(`^${name}=.`)));
    expect(literals).toContainEqual(expect.stringMatching(/^AUTH_JWKS_URL=https:\/\//));
    const generated = readKustomization(overlays.dev).secretGenerator?.find(
      (g) => g.name === 'tremplin-secrets',
    );
    expect(generated?.literals).toContainEqual(expect.stringMatching(/^jwt-secret=.{16,}$/));
  });

  it('lets the services, not the migration Jobs, reach the identity provider over HTTPS only', () => {
    const policy = readDocs(join(K8S, 'overlays', 'academy', 'network-policies.yaml')).find(
      (doc) => doc.metadata.name === 'tremplin-egress-identity-provider',
    );
    const ports = (policy?.spec.egress ?? []).flatMap((rule: any) => rule.ports ?? []);
    expect(ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    const base = renderBase().docs.find(
      (doc) =>
        doc.kind === 'NetworkPolicy' && doc.metadata.name === 'tremplin-egress-identity-provider',
    );
    expect(base?.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('server');
  });

  it('commits no Secret', () => {
    const base = renderBase();
    expect(base.docs.filter((d) => d.kind === 'Secret')).toEqual([]);
  });

  it('has the KafkaTopics generated from the contracts (scripts/generate-k8s-kafka.ts)', () => {
    const check = spawnSync(
      process.execPath,
      ['-r', '@swc-node/register', 'scripts/generate-k8s-kafka.ts', '--check'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
  });

  const base = renderBase();
  checkManifests(base.docs, base.configMaps, 'base', 'chosen by the overlay');

  // The real renderer, where kubectl is installed (it embeds kustomize).
  const kubectl = (() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  (kubectl ? describe : describe.skip).each(['dev', 'academy'])(
    'overlays/%s rendered by kubectl kustomize',
    (overlay) => {
      let rendered: Doc[] = [];
      let failure: unknown;
      try {
        if (kubectl) {
          const output = execFileSync('kubectl', ['kustomize', join(K8S, 'overlays', overlay)], {
            encoding: 'utf8',
            stdio: 'pipe',
          });
          rendered = parseAllDocuments(output).map((document) => document.toJS() as Doc);
        }
      } catch (error) {
        failure = error;
      }
      it('renders', () => {
        if (failure) throw failure;
        expect(rendered.length).toBeGreaterThan(0);
      });
      checkManifests(
        rendered,
        {},
        `overlays/${overlay}`,
        overlay === 'academy' ? 'identity provider' : 'HS256',
      );
    },
  );
});

// ------------------------------------------------------------------------------------------
// Kafka security and topic settings (generated by scripts/generate-k8s-kafka.ts).

describe('k8s: each overlay names its own egress destinations', () => {
  const policies = (docs: Doc[]) => docs.filter((doc) => doc.kind === 'NetworkPolicy');
  const peers = (docs: Doc[], name: string) =>
    policies(docs)
      .filter((policy) => policy.metadata.name === name)
      .flatMap((policy) => policy.spec.egress ?? [])
      .flatMap((rule: any) => (rule.to ?? []).map(egressPeer));
  const base = renderBase().docs;
  const rendered = (overlay: string): Doc[] =>
    parseAllDocuments(
      execFileSync('kubectl', ['kustomize', join(K8S, 'overlays', overlay)], { encoding: 'utf8' }),
    ).map((document) => document.toJS() as Doc);
  const hasKubectl =
    spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

  it('the base: one egress policy per destination, each naming its peers', () => {
    for (const name of [
      'tremplin-egress-dns',
      'tremplin-egress-postgres',
      'tremplin-egress-kafka',
      'tremplin-egress-redis',
      'tremplin-egress-identity-provider',
    ])
      expect({ name, peers: peers(base, name).length }).toEqual({ name, peers: 1 });
  });

  (hasKubectl ? it : it.skip).each([
    ['dev', ['tremplin-egress-postgres', 'tremplin-egress-redis']],
    ['academy', ['tremplin-egress-postgres', 'tremplin-egress-identity-provider']],
  ])('overlays/%s replaces the base destinations of %j', (overlay, names) => {
    const docs = rendered(overlay as string);
    for (const name of names as string[]) {
      expect({ name, peers: peers(docs, name) }).toEqual({
        name,
        peers: [expect.stringMatching(/^(pods|ips) /)],
      });
      expect({ name, peers: peers(docs, name) }).not.toEqual({ name, peers: peers(base, name) });
    }
  });
});

describe('k8s: Kafka users, credentials and topic settings', () => {
  const { docs, configMaps } = renderBase();
  const config = configMaps['tremplin-config'];
  const topics = new Map(
    docs.filter((d) => d.kind === 'KafkaTopic').map((t) => [t.spec.topicName as string, t]),
  );
  type Acl = { resource: { type: string; name?: string }; operations: string[] };
  const aclsOf = (service: ServiceName): Acl[] =>
    docs.find((d) => d.kind === 'KafkaUser' && d.metadata.name === service)?.spec.authorization
      .acls ?? [];
  const allowed = (service: ServiceName, operation: string, type = 'topic') =>
    aclsOf(service)
      .filter((acl) => acl.resource.type === type && acl.operations.includes(operation))
      .map((acl) => acl.resource.name as string);
  const ownTopic = (service: ServiceName, name: string) =>
    name === `${service}.dlt` || new RegExp(`^${service}\\.retry\\.\\d+$`).test(name);

  it('generates kafka-users.yaml and the identity patches with the topics (same --check)', () => {
    const k = readKustomization(join(K8S, 'base'));
    expect(k.resources).toContain('kafka-users.yaml');
    for (const service of SERVICE_NAMES)
      expect(k.patches).toContainEqual({
        path: `patches/kafka-identity-${service}.yaml`,
        target: { kind: 'Deployment', name: service },
      });
  });

  it.each(SERVICE_NAMES)(
    '%s has a SCRAM-SHA-512 KafkaUser whose literal ACLs stay within what it produces, its own retry and dead-letter topics and its own group',
    (service) => {
      const user = docs.find((d) => d.kind === 'KafkaUser' && d.metadata.name === service);
      expect(user?.metadata.labels?.['strimzi.io/cluster']).toBe('tremplin');
      expect(user?.spec.authentication).toEqual({ type: 'scram-sha-512' });
      expect(user?.spec.authorization.type).toBe('simple');
      for (const acl of aclsOf(service) as (Acl & { resource: { patternType?: string } })[])
        if (acl.resource.type !== 'cluster') expect(acl.resource.patternType).toBe('literal');
      const produced = ALL_TOPICS.filter((t) => t.producers.includes(service)).map((t) => t.name);
      for (const topic of allowed(service, 'Write'))
        expect({
          service,
          topic,
          producer: produced.includes(topic) || ownTopic(service, topic),
        }).toEqual({ service, topic, producer: true });
      for (const topic of produced) expect(allowed(service, 'Write')).toContain(topic);
      for (const topic of allowed(service, 'Read'))
        expect({ service, topic, known: topics.has(topic) }).toEqual({
          service,
          topic,
          known: true,
        });
      for (const group of allowed(service, 'Read', 'group')) expect(group).toBe(service);
      expect(aclsOf(service).some((acl) => acl.operations.includes('Create'))).toBe(false);
    },
  );

  it('lets the companies user neither read private.contacts nor write matching.placements', () => {
    expect(allowed('companies', 'Read')).not.toContain('private.contacts');
    expect(allowed('companies', 'Write')).not.toContain('matching.placements');
  });

  it.each(SERVICE_NAMES)(
    '%s connects with SASL_SSL as its own user, the password from its KafkaUser Secret, the cluster CA mounted',
    (service) => {
      expect(config).toMatchObject({
        KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
      });
      const pod = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === service)!.spec
        .template.spec;
      const app = pod.containers.find((c: any) => c.name === 'app');
      const env = Object.fromEntries(app.env.map((e: any) => [e.name, e]));
      expect(env.KAFKA_SASL_USERNAME?.value).toBe(service);
      expect(env.KAFKA_SASL_PASSWORD?.valueFrom?.secretKeyRef).toEqual({
        name: service,
        key: 'password',
      });
      const mount = app.volumeMounts.find((m: any) =>
        config.KAFKA_SSL_CA_FILE.startsWith(`${m.mountPath}/`),
      );
      expect(mount).toBeDefined();
      const volume = pod.volumes.find((v: any) => v.name === mount.name);
      expect(volume.secret.secretName).toBe('tremplin-cluster-ca-cert');
    },
  );

  it('sets the replication factor of the topics services create: 3, 3 on the academy overlay, 1 on dev', () => {
    const literal = (overlay: string) =>
      (readKustomization(join(K8S, 'overlays', overlay)).configMapGenerator ?? [])
        .find((g) => g.name === 'tremplin-config')
        ?.literals?.find((l) => l.startsWith('KAFKA_REPLICATION_FACTOR='));
    expect(config.KAFKA_REPLICATION_FACTOR).toBe('3');
    expect(literal('academy')).toBe('KAFKA_REPLICATION_FACTOR=3');
    expect(literal('dev')).toBe('KAFKA_REPLICATION_FACTOR=1');
    for (const topic of topics.values())
      expect(topic.spec.replicas).toBeGreaterThanOrEqual(Number(config.KAFKA_REPLICATION_FACTOR));
  });

  it('gives every retry and dead-letter topic the 4 MB max.message.bytes the messaging README claims', () => {
    expect(RETRY_TOPIC_MAX_MESSAGE_BYTES).toBe(4 * 1024 * 1024);
    expect(read('libs/messaging/README.md')).toMatch(/`max\.message\.bytes` 4 MB/);
    const perService = [...topics.keys()].filter((name) =>
      SERVICE_NAMES.some((service) => ownTopic(service, name)),
    );
    expect(perService).toHaveLength(SERVICE_NAMES.length * 4);
    for (const name of perService)
      expect({ name, bytes: topics.get(name)!.spec.config['max.message.bytes'] }).toEqual({
        name,
        bytes: RETRY_TOPIC_MAX_MESSAGE_BYTES,
      });
  });

  it('bounds how long an erased person stays on private.contacts, as the README says', () => {
    const contacts = topics.get('private.contacts')!.spec.config;
    expect(contacts).toMatchObject(COMPACTED_TOPIC_CONFIG);
    const hours = (ms: number) => `${ms / 3_600_000} h`;
    const readme = read('README.md').replace(/\s+/g, ' ');
    const bound = COMPACTED_TOPIC_CONFIG['max.compaction.lag.ms'];
    expect(COMPACTED_TOPIC_CONFIG['segment.ms']).toBeLessThanOrEqual(bound);
    expect(readme).toContain(`within ${hours(bound)} of its tombstone`);
    expect(readme).toContain(
      `the tombstone itself within ${hours(bound + COMPACTED_TOPIC_CONFIG['delete.retention.ms'])}`,
    );
  });
});
