//go:build !unix

package main

import (
	"fmt"
	"os"
)

func compareMmap(string, int) { fmt.Println("memory map comparison: Unix only") }

func peakRSS(*os.ProcessState) float64 { return 0 }

func cpuSeconds() float64 { return 0 }

func minorFaults() float64 { return 0 }
