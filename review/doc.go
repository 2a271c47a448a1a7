// Package review is the objection (异议) and review (复核) workflow of rule
// R28: an inspected entity disputes a published result; the executing unit
// reviews it within 20 working days of receiving the application, corrects
// the result if it was wrong, and tells the entity the outcome within 15
// working days after the review decision (001 第二十一条).
//
// # States
//
//	received ──StartReview──▶ under_review ──Decide──▶ decided ──SendFeedback──▶ feedback_sent
//
// Decide records either DecisionUpheld (维持, the result stands) or
// DecisionCorrected (更正). A correction is never made here: it goes through
// publish.Book.Correct with the principal head's signature (rule R27);
// DecideWithCorrection applies the signed correction and records the new
// version number in the objection, so the two cannot drift apart. Any
// other transition is refused with a *TransitionError (errors.Is
// ErrTransition); a date earlier than the previous step with ErrDate.
//
// # Deadlines
//
// Deadlines are computed on the working-day calendar of package workday,
// including make-up working days (调休): ReviewDue is the 20th working day
// after ReceivedOn, FeedbackDue the 15th working day after DecidedOn.
// Objection.Standing reports pending, due soon, overdue or, once closed,
// whether every step met its deadline.
//
// Every step should be written to the trail (package trail, 全程留痕); the
// ssj CLI does so. The package is pure: dates and times come in as values.
package review
