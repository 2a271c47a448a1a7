// Package plan models the bureau's annual random-inspection plan (年度抽查
// 计划) and checks it, before any draw, against the ratio, frequency and
// coverage rules of the 双随机、一公开 regime: R1, R2, R4 against the
// checklist (随机抽查事项清单, the "一单", package checklist) and R8–R13.
//
// # The plan
//
// A Plan holds the year's random tasks (Task, 抽查任务) of every department
// (警种部门); DepartmentTasks gives one department's own annual plan (R9).
// Each task states what R9 and R14 require: items, scope (Scope: 定向
// directed by jurisdiction, industry or credit class, or 不定向 undirected),
// execution window, estimated count (预估数量) and ratio (抽查比例, a
// decimal fraction, never a float), with optional per-credit-class ratios
// (R12). A task with participants is a joint cross-department task
// (跨部门联合抽查) launched by its Department (发起部门). Targeted
// inspections (Targeted: complaints, superiors' orders, emergencies...)
// are recorded beside the tasks with their reason and never counted as
// random draws (R13). Decode reads a plan from JSON strictly and
// Validate reports every structural problem with its JSON path.
//
// Adjustments are new versions (R9): Adjust checks that a plan follows its
// predecessor and returns the Diff to publish; Plan.PublishJSON and
// Diff.PublishJSON give RFC 8785 canonical JSON, PublishText the Chinese
// text an agency posts.
//
// # The rules engine
//
// Check returns a Report with one Finding per rule and subject, each with
// the figure measured, the threshold and pass, fail or n/a; Report.OK is
// false when any rule is broken. Thresholds are Config, defaulting to the
// seed documents' numbers (DefaultConfig):
//
//   - R8 each department's draws cover at least 5% of its targets. A
//     department's targets are the active registry targets whose
//     Departments name it. A task's pool is the active targets in its
//     scope supervised by one of its departments; its draws are, per credit
//     class, ceil(pool × ratio), clamped to the pool less R11 exclusions.
//     The figure is the number of distinct department targets the plan
//     draws for certain: per task and class, draws less the pool members
//     outside the department; tasks whose pools share a department target
//     count only the largest, tasks with disjoint pools add up. This lower
//     bound never overstates coverage.
//   - R8 joint tasks are at least 10% of all random tasks, counted in tasks.
//   - R10 each department launches or joins at least one joint task a year.
//   - R4 a general item's task ratio is within its cap (the smaller of the
//     item's upper bound and checklist.Config.GeneralCap); key items are
//     uncapped. R2: not below the item's lower bound, at least as many
//     tasks per item as its frequency (抽查频次), and, for a frequency with
//     an upper bound ("每年1次", "每年最多2次"), no target that may be
//     inspected for the item more often in the year: the plan's tasks whose
//     pools hold it plus its past random inspections (over-frequency).
//     R1: every item is on the
//     checklist. These need Input.Checklist and are n/a without it.
//   - R11 targets found compliant this year for one of a task's items are
//     excluded from its draw unless the task declares a RepeatReason (key
//     area or special case); in the history, an inspection after a compliant
//     one of the same item at the same target in the same year fails unless
//     the record gives a reason or belongs to a task with one or to a
//     targeted inspection.
//   - R12 each task's ratio for each credit class present in its pool lies
//     in the class's band of the credit table. The seed sets no numbers; the
//     default table is A ≤5%, B 5–20%, C 21–60%, D 61–100%. The R4 cap
//     bounds a task's headline ratio; per-class ratios for poor credit
//     classes are governed by R12, which asks for more intense sampling. A
//     task may declare an Uplift (abnormal list, serious violation,
//     complaints raise the class a target is counted under, exactly as the
//     draw does); the finding counts the targets it raised, per class.
//   - R13 targeted inspections enter no figure above.
//
// All arithmetic is exact: integers and shopspring/decimal values;
// percentages are shown truncated to two places but compared exactly, so
// 5/100 passes a 5% threshold and 5/101 fails it. Report.Basis states
// these counting conventions in every report.
//
// # Draw input
//
// Plan.DrawInput turns a task into the plain input of its draw: scope
// filters, pool, credit-class strata with ratio and quota, items, window,
// joint departments and R11 exclusions. Package plan does not import the
// draw package; the caller maps DrawInput onto a draw manifest.
//
// The package is pure: it reads from io.Reader values the caller opens,
// takes dates as values and holds no global mutable state.
package plan
