//go:build race

package office_test

const raceEnabled = true
