// Package benchkit holds what the benchmark programs under bench/ share: the description of the machine a
// figure was measured on, a logger that drops everything, waiting for the program to be healthy, and
// percentiles.
package benchkit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine describes the machine a figure is measured on: CPUs, their model, memory, the platform, the Go
// version, the load average before the run and, when pgURL names a server, PostgreSQL's version.
func Machine(ctx context.Context, pgURL string) string {
	s := fmt.Sprintf("cpus %d (GOMAXPROCS %d), %s, memory %s, %s/%s, %s, load average %s", runtime.NumCPU(),
		runtime.GOMAXPROCS(0), CPUModel(), memory(), runtime.GOOS, runtime.GOARCH, runtime.Version(), LoadAverage())
	if pgURL != "" {
		s += ", PostgreSQL " + postgresVersion(ctx, pgURL)
	}
	return s
}

// CPUModel is the processor's model name, "?" where /proc does not tell.
func CPUModel() string {
	return procField("/proc/cpuinfo", `(?m)^model name\s*:\s*(.+)$`)
}

func memory() string {
	kb, err := strconv.Atoi(procField("/proc/meminfo", `(?m)^MemTotal:\s*(\d+) kB`))
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
}

// ProcField is the first group of pattern in a /proc file, "?" where it is not there.
func ProcField(path, pattern string) string { return procField(path, pattern) }

func procField(path, pattern string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "?"
	}
	if m := regexp.MustCompile(pattern).FindSubmatch(b); m != nil {
		return strings.TrimSpace(string(m[1]))
	}
	return "?"
}

// LoadAverage is the machine's load over the last 1, 5 and 15 minutes: others' work shows in the times.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

func postgresVersion(ctx context.Context, pgURL string) string {
	out, err := exec.CommandContext(ctx, "psql", pgURL, "-Atc", "SHOW server_version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// Quiet is a logger that drops everything, for the program under measurement.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// WaitHealthy waits until the program at base answers /healthz with 200, at most within.
func WaitHealthy(ctx context.Context, client *http.Client, base string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		if err != nil {
			return err
		}
		if res, err := client.Do(req); err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the program did not become healthy within %s", within)
}

// Percentile is the p-th percentile (0–100) of durations sorted in ascending order, 0 for none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}
