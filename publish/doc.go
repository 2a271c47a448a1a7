// Package publish produces the "one public" (一公开) documents: announcements,
// inspection results (公示) and their signed corrections (rules R16, R21–R27).
package publish
