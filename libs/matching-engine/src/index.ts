/**
 * @tremplin/matching-engine — optimal, explainable, fair placement of students in PFMP offers,
 * and speed-dating rotations. Pure TypeScript: no framework, no I/O.
 */
export * from './types';
export { InvalidInstanceError, validateInstance } from './validate';
export type { InputIssue } from './validate';
export { checkPair, pairScore, scorePair } from './eligibility';
export { DEFAULT_WEIGHTS } from './score';
export { studentPriority } from './facts';
export { haversineKm } from './geography';
export { ageOn, minorLimits, scheduleForMinors } from './minors';
export type { MinorsReason, ScheduleForMinors } from './minors';
export type { PairCheck, IneligibilityReason } from './eligibility';
export { MatchingSession } from './session';
export { solveMatching, solveByAcademy } from './solve';
export type { InstanceChange, SolveOptions } from './session';
export { solveMatchingParallel } from './parallel';
export type { ParallelSolveOptions } from './parallel';
export { SCORE_MAX, PRIORITY_MAX, evaluate, checkFeasibility, objectiveWeights } from './problem';
export type { CoreProblem, CoreSolution, CoreObjective, ObjectiveWeights } from './problem';
export { solveCore } from './core';
export { solveGreedy } from './greedy';
export { generateInstance } from './testing/random-instance';
export type { InstanceShape } from './testing/random-instance';
export { buildRotations } from './rotations';
export type { RotationInput, RotationMeeting, RotationResult } from './rotations';
