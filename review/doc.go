// Package review models objections (异议) to published results and their
// review (复核) within statutory deadlines (rule R28).
package review
