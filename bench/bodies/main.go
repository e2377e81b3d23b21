// Command bodies measures what large request bodies from visitors who are not signed in cost the
// server: it starts a hromada binary (built from this tree unless -bin names another, e.g. one built
// from an older commit), has N clients POST a chunked multipart body of -mib MiB each at once from
// 127.0.0.1, and meanwhile samples the server's resident memory (/proc/PID/status) and asks for the
// home page from 127.0.0.2 every 100 ms, to see that it keeps answering others. Linux only.
//
//	go run ./bench/bodies -n 50 -mib 120
//	go run ./bench/bodies -n 50 -mib 120 -concurrent-ip 1000   # without the per-address limit
//
// It fails when the peak RSS is over -max-rss MiB or a probe went unanswered.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hromada/hromada/bench/internal/benchkit"
)

type options struct {
	bin          string
	n            int
	mib          int64
	path         string
	concurrentIP int
	database     string
	maxRSS       int64
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "", "hromada binary to measure (default: built from this tree)")
	flag.IntVar(&o.n, "n", 50, "bodies sent at once")
	flag.Int64Var(&o.mib, "mib", 120, "size of each body, MiB")
	flag.StringVar(&o.path, "path", "/appeals", "where the bodies are posted (the e-appeal form takes files)")
	flag.IntVar(&o.concurrentIP, "concurrent-ip", 0, "HROMADA_LIMIT_CONCURRENT_IP for the server (0: its default)")
	flag.StringVar(&o.database, "database", "", "HROMADA_DATABASE_URL (default: SQLite in a temporary directory)")
	flag.Int64Var(&o.maxRSS, "max-rss", 200, "fail when the server's peak resident memory is over this, MiB")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	dir, err := os.MkdirTemp("", "hromada-bench-bodies-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.bin == "" {
		o.bin = filepath.Join(dir, "hromada")
		build := exec.Command("go", "build", "-o", o.bin, "./cmd/hromada")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building the program: %w", err)
		}
	}
	port, idpPort := freePort(), freePort()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(o.bin, "serve")
	cmd.Env = append(os.Environ(),
		"HROMADA_ADDR=127.0.0.1:"+strconv.Itoa(port),
		"HROMADA_BASE_URL="+base,
		"HROMADA_DEV_IDP_ADDR=127.0.0.1:"+strconv.Itoa(idpPort),
		"HROMADA_DEV_IDP_URL=http://127.0.0.1:"+strconv.Itoa(idpPort),
		"HROMADA_DATA_DIR="+filepath.Join(dir, "data"),
		"HROMADA_LOG_LEVEL=error",
		"HROMADA_WORKERS=0",
	)
	if o.database != "" {
		cmd.Env = append(cmd.Env, "HROMADA_DATABASE_URL="+o.database)
	}
	if o.concurrentIP > 0 {
		cmd.Env = append(cmd.Env, "HROMADA_LIMIT_CONCURRENT_IP="+strconv.Itoa(o.concurrentIP))
	}
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
		}
	}()
	if err := benchkit.WaitHealthy(context.Background(), http.DefaultClient, base, time.Minute); err != nil {
		return err
	}
	pid := cmd.Process.Pid

	fmt.Printf("== machine: %s\n", benchkit.Machine(context.Background(), ""))
	fmt.Printf("== program: %s (pid %d)\n", o.bin, pid)
	idle, _ := memory(pid)
	fmt.Printf("idle RSS: %d MiB\n", idle>>20)

	ctx, stop := context.WithCancel(context.Background())
	var peak atomic.Int64
	var sampler sync.WaitGroup
	sampler.Go(func() {
		for ctx.Err() == nil {
			if rss, _ := memory(pid); rss > peak.Load() {
				peak.Store(rss)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	probes := startProbes(ctx, base)

	start := time.Now()
	statuses := sendBodies(base+o.path, o.n, o.mib<<20)
	elapsed := time.Since(start)
	time.Sleep(500 * time.Millisecond) // the last samples and probes
	stop()
	sampler.Wait()
	p := <-probes
	after, hwm := memory(pid)

	fmt.Printf("%d anonymous chunked POSTs of %d MiB to %s at once: done in %.1f s\n", o.n, o.mib, o.path, elapsed.Seconds())
	keys := make([]string, 0, len(statuses))
	for k := range statuses {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Printf("  %-40s %d\n", k, statuses[k])
	}
	fmt.Printf("peak RSS while sampling: %d MiB; kernel high-water mark (VmHWM): %d MiB; RSS after: %d MiB\n",
		peak.Load()>>20, hwm>>20, after>>20)
	fmt.Printf("home page from another address meanwhile: %d answered 200, %d not; slowest %d ms\n",
		p.ok, p.failed, p.slowest.Milliseconds())
	var problems []string
	if hwm>>20 > o.maxRSS {
		problems = append(problems, fmt.Sprintf("peak RSS %d MiB is over %d MiB", hwm>>20, o.maxRSS))
	}
	if p.failed > 0 || p.ok == 0 {
		problems = append(problems, "the server did not keep answering")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	fmt.Println("PASS")
	return nil
}

// sendBodies posts n chunked bodies at once and counts the outcomes.
func sendBodies(url string, n int, size int64) map[string]int {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}}).DialContext},
		Timeout: 5 * time.Minute}
	var mu sync.Mutex
	out := map[string]int{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			// No length: the client sends chunks.
			req, err := http.NewRequest(http.MethodPost, url, struct{ io.Reader }{&pattern{left: size}})
			if err != nil {
				panic(err)
			}
			req.Header.Set("Content-Type", "multipart/form-data; boundary=bench")
			outcome := ""
			res, err := client.Do(req)
			if err != nil {
				outcome = "error: " + shortError(err)
			} else {
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				outcome = res.Status
			}
			mu.Lock()
			out[outcome]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func shortError(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// pattern is size bytes of a fixed block, produced without allocating.
type pattern struct{ left int64 }

var block = []byte(strings.Repeat("0123456789abcdef", 4096))

func (p *pattern) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := copy(b, block[:min(int64(len(block)), p.left)])
	p.left -= int64(n)
	return n, nil
}

type probeResult struct {
	ok, failed int
	slowest    time.Duration
}

// startProbes asks for the home page from 127.0.0.2 every 100 ms until ctx ends.
func startProbes(ctx context.Context, base string) <-chan probeResult {
	out := make(chan probeResult, 1)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
	go func() {
		var r probeResult
		for ctx.Err() == nil {
			t := time.Now()
			res, err := client.Get(base + "/")
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
			}
			if err != nil || res.StatusCode != http.StatusOK {
				r.failed++
			} else {
				r.ok++
				r.slowest = max(r.slowest, time.Since(t))
			}
			time.Sleep(100 * time.Millisecond)
		}
		out <- r
	}()
	return out
}

// memory returns the process's resident set and its high-water mark, in bytes.
func memory(pid int) (rss, hwm int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			hwm = kb << 10
		}
	}
	return rss, hwm
}

func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
