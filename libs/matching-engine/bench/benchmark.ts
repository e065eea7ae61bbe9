/**
 * Benchmark: the scaling table (random networks of issue 17's shape, each solver at five sizes,
 * native CLP as the peer at 30,000), the engine and HiGHS (same LP, same weights) on the same
 * seeded academy instance, each in its own child process (peak RSS is per solver), plus the
 * greedy baseline, the incremental update at each size and the national run. Prints figures;
 * not a test.
 *
 *   npx nx run matching-engine:bench                       # everything (about an hour)
 *   npx nx run matching-engine:bench --args="--only-scaling"
 *   npx nx run matching-engine:bench --args="--students=3000 --offers=1200 --skip-national"
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, '').split('='))
    .map(([k, v]) => [k, v ?? 'true']),
);
const students = Number(args.students ?? 30000);
const offers = Number(args.offers ?? 12000);
const seed = Number(args.seed ?? 42);
const radiusKm = Number(args.radius ?? 34);
const highsLimit = Number(args['highs-time-limit'] ?? 180);
const worker = join(__dirname, 'worker.ts');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function run(mode: string, shape: object, timeoutS: number): any {
  try {
    const out = execFileSync(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        '--max-old-space-size=4096',
        worker,
        mode,
        JSON.stringify(shape),
      ],
      { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 24 },
    );
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    const err = e as { stdout?: string; message: string };
    const last = err.stdout?.trim().split('\n').pop();
    try {
      return JSON.parse(last ?? '');
    } catch {
      return { mode, error: err.message.split('\n')[0] };
    }
  }
}

/** HiGHS model status "Optimal" (kHighsModelStatusOptimal). */
const OPTIMAL = '7';
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (x: number) => `${x.toFixed(0)} MB`;

function compare(size: { students: number; offers: number }) {
  const shape = { ...size, seed, radiusKm };
  const engine = run('engine', shape, 600);
  const highs = run('highs', { ...shape, timeLimit: highsLimit }, highsLimit + 300);
  console.log(`\n== ${size.students} students, ${size.offers} offers (seed ${seed}) ==`);
  if (engine.error) {
    console.log('engine failed:', engine.error);
    return { engine, highs };
  }
  console.log(
    `instance: ${engine.freeSeats} free seats, ${engine.pairs} eligible pairs (${(engine.pairs / engine.students).toFixed(1)} per student)`,
  );
  console.log(
    `engine  solve ${s(engine.solveMs)}  peak RSS ${mb(engine.peakRssMb)} (RSS before solve ${mb(engine.rssBeforeSolveMb)})  feasible ${engine.feasible}`,
  );
  console.log(
    `        objective placed ${engine.objective.placed}, priority ${engine.objective.prioritySum}, score ${engine.objective.scoreSum}, value ${engine.objective.value}`,
  );
  console.log(
    `        end to end through the API (eligibility ${s(engine.eligibilityMs)} + solve): ${s(engine.endToEndMs)}`,
  );
  console.log(
    `greedy  objective placed ${engine.greedy.placed}, priority ${engine.greedy.prioritySum}, score ${engine.greedy.scoreSum} → optimum places ${engine.objective.placed - engine.greedy.placed} more students (+${engine.objective.prioritySum - engine.greedy.prioritySum} priority, +${engine.objective.scoreSum - engine.greedy.scoreSum} score)`,
  );
  if (highs.error || !highs.objective) {
    console.log(`HiGHS   failed: ${highs.error ?? highs.status}`);
  } else if (highs.status !== OPTIMAL) {
    console.log(
      `HiGHS   did not finish: status ${highs.status} (${highs.status === '13' ? 'time limit' : 'not optimal'}) after ${s(highs.solveMs)}, peak RSS ${mb(highs.peakRssMb)} (RSS before solve ${mb(highs.rssBeforeSolveMb)})`,
    );
    console.log(
      `        its last point: placed ${highs.objective.placed}, priority ${highs.objective.prioritySum}, score ${highs.objective.scoreSum}, feasible ${highs.feasible} — not a solution`,
    );
    console.log(
      `ratio   HiGHS/engine time > ${(highs.solveMs / engine.solveMs).toFixed(1)}× (lower bound), peak memory ${(highs.peakRssMb / engine.peakRssMb).toFixed(1)}×`,
    );
  } else {
    console.log(
      `HiGHS   solve ${s(highs.solveMs)}  peak RSS ${mb(highs.peakRssMb)} (RSS before solve ${mb(highs.rssBeforeSolveMb)})  status ${highs.status}  fractional ${highs.fractional}  feasible ${highs.feasible}`,
    );
    console.log(
      `        objective placed ${highs.objective.placed}, priority ${highs.objective.prioritySum}, score ${highs.objective.scoreSum}, value ${highs.objective.value} (LP value ${highs.objectiveValue})`,
    );
    const same = highs.objective.value === engine.objective.value;
    console.log(
      `ratio   HiGHS/engine time ${(highs.solveMs / engine.solveMs).toFixed(1)}×, peak memory ${(highs.peakRssMb / engine.peakRssMb).toFixed(1)}×, same objective: ${same}`,
    );
  }
  return { engine, highs };
}

const SIZES = [7500, 15000, 30000, 60000, 120000];

/** Wall time and peak RSS of a command (GNU time), with its output. */
function timed(cmd: string, cmdArgs: string[], cwd: string) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...cmdArgs], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const last = r.stderr.trim().split('\n').pop()!.split(' ');
  return { wallMs: Number(last[0]) * 1000, peakRssMb: Number(last[1]) / 1024, out: r.stdout };
}

function scaling() {
  console.log(
    '\n== scaling: random networks (S students, 0.4·S offers of 1–3 seats, 60 pairs per student, scores 1–100, priorities 0–3, no caps), cold solve ==',
  );
  console.log(
    'students × offers | pairs | method | ran | wall | CPU | × previous (CPU) | peak RSS | objective',
  );
  const previous: Record<string, number> = {};
  const objectives: Record<number, string> = {};
  for (const students of SIZES) {
    for (const method of ['auto', 'auction', 'shortest-paths']) {
      const r = run('scaling', { students, method }, 1800);
      if (r.error) {
        console.log(`${students} ${method}: failed: ${r.error}`);
        continue;
      }
      const growth = previous[method] ? (r.cpuMs / previous[method]).toFixed(2) + '×' : '—';
      previous[method] = r.cpuMs;
      const o = JSON.stringify(r.objective);
      objectives[students] ??= o;
      console.log(
        `${r.students} × ${r.offers} | ${r.pairs} | ${method} | ${r.ran} | ${s(r.solveMs)} | ${s(r.cpuMs)} | ${growth} | ${mb(r.peakRssMb)} | ${o}${objectives[students] === o ? '' : ' DIFFERS'} feasible ${r.feasible}`,
      );
    }
  }
}

/** Native CLP (Debian coinor-cbc: `cbc file.lp initialSolve`, LP only) on the 30,000 network. */
function clp() {
  const dir = tmpdir();
  const file = join(dir, 'tremplin-30000.lp');
  const scoresFile = join(dir, 'tremplin-30000-scores.lp');
  const lp = run('lp', { students: 30000, file, scoresFile }, 900);
  console.log(`\n== CLP on the 30,000 network (${lp.pairs} pairs) ==`);
  if (spawnSync('cbc', ['-quit']).error) {
    console.log('cbc not found: apt-get install -y coinor-cbc');
    return;
  }
  for (const [what, f, expected] of [
    ['lexicographic weights', file, lp.objective.value],
    ['scores only', scoresFile, lp.scoresOnlyOptimum],
  ] as const) {
    const read = timed('cbc', [f, 'quit'], dir);
    const solve = timed('cbc', [f, 'initialSolve', 'quit'], dir);
    const m = /Optimal objective ([-\d.e+]+) - (\d+) iterations time ([\d.]+)/.exec(solve.out);
    console.log(
      `CLP ${what}: read ${s(read.wallMs)}, read + solve ${s(solve.wallMs)} (solve ${s(solve.wallMs - read.wallMs)}; CLP's own figure ${m ? m[3] + ' s, ' + m[2] + ' iterations' : '?'}), peak RSS ${mb(solve.peakRssMb)}; objective ${m ? m[1] : '?'} against the engine's ${expected} (${m && Math.abs(Number(m[1]) - expected) <= 1e-9 * Math.abs(expected) ? 'equal to the 10 digits CLP prints' : 'differs'})`,
    );
  }
}

if (args['skip-scaling'] !== 'true') {
  scaling();
  clp();
}
if (args['only-scaling'] === 'true') process.exit(0);

const full = args['skip-engine'] === 'true' ? undefined : compare({ students, offers });
if (full && full.highs.status !== OPTIMAL) {
  // HiGHS did not finish at full size: run the peer at the largest size tried that it handles.
  for (const f of [0.25, 0.1]) {
    const r = compare({ students: Math.round(students * f), offers: Math.round(offers * f) });
    if (r.highs.status === OPTIMAL) break;
  }
}

const incrementalSizes = args['incremental-sizes'] === 'true' ? SIZES : [students];
if (args['skip-incremental'] !== 'true')
  for (const size of incrementalSizes) {
    const students = size;
    const offers = Math.round(size * 0.4);
    const inc = run('incremental', { students, offers, seed, radiusKm }, 1800);
    console.log(
      `\n== incremental: ${students} students, ${offers} offers; ${inc.changedOffers} offers changed + ${inc.newStudents} new students ==`,
    );
    if (inc.error) console.log('failed:', inc.error);
    else {
      console.log(
        `update (validation + eligibility of the changes ${s(inc.incEligibilityMs)} + flow repair ${s(inc.incSolveMs)}): ${s(inc.updateMs)}`,
      );
      console.log(
        `cold   (validation + eligibility ${s(inc.coldEligibilityMs)} + flow ${s(inc.coldSolveMs)}): ${s(inc.coldMs)}`,
      );
      console.log(
        `ratio  cold/update ${(inc.coldMs / inc.updateMs).toFixed(1)}× in all, flow only ${(inc.coldSolveMs / inc.incSolveMs).toFixed(1)}×; same objective: ${inc.same} (placed ${inc.objective.placed}, priority ${inc.objective.prioritySum}, score ${inc.objective.scoreSum})`,
      );
    }
  }

if (args['skip-national'] !== 'true') {
  const academies = Number(args.academies ?? 30);
  const total = Number(args['national-students'] ?? 650000);
  const perAcademy = Math.round(total / academies);
  const nationalShape = {
    academies,
    studentsPerAcademy: perAcademy,
    offersPerAcademy: Math.round((perAcademy * offers) / students),
    seed: 1000,
    radiusKm,
  };
  console.log(`\n== national: ${academies} academies × ${perAcademy} students ==`);
  // One after the other (the pure path), then on worker threads (solveMatchingParallel).
  for (const threads of [1, Number(args['national-threads'] ?? 2)]) {
    const nat = run('national', { ...nationalShape, threads }, 1800);
    if (nat.error) console.log('failed:', nat.error);
    else
      console.log(
        `${threads === 1 ? 'sequential' : `${threads} threads`}: ${nat.students} students, ${nat.pairs} pairs, ${nat.placed} placed; solve ${s(nat.solveMs)}, eligibility ${s(nat.eligibilityMs)} (sums over academies); wall ${s(nat.wallMs)}; peak RSS ${mb(nat.peakRssMb)}`,
      );
  }
}
