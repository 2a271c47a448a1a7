// Package checklist models the inspection-item list (随机抽查事项清单, the
// "一单") that every random draw must be made against (rules R1–R5).
package checklist
