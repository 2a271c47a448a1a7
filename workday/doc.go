// Package workday is the Chinese working-day calendar (工作日), built from the
// State Council's yearly holiday notices including make-up working days (调休),
// and the statutory deadlines computed on it (rules R26, R28).
package workday
