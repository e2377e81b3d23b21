package attachment

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func pdf(text string) []byte { return []byte("%PDF-1.4\n" + text) }

// The sweep removes old files no row names, keeps the named ones and the new ones, and puts back a file
// written again while it looked (an identical upload between its check and its move).
func TestSweep(t *testing.T) {
	dir := t.TempDir()
	s, err := NewStore(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	save := func(text string, age time.Duration) string {
		saved, err := s.Save(bytes.NewReader(pdf(text)))
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-age)
		if err := os.Chtimes(s.path(saved.SHA256), at, at); err != nil {
			t.Fatal(err)
		}
		return saved.SHA256
	}
	orphan, named, fresh, again := save("orphan", 72*time.Hour), save("named", 72*time.Hour), save("fresh", time.Minute), save("again", 72*time.Hour)
	// Leftovers of a crash: a Save before its rename, a sweep between its move and its removal.
	if err := os.WriteFile(filepath.Join(dir, ".upload-123"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-72 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, ".upload-123"), old, old); err != nil {
		t.Fatal(err)
	}
	aside := save("aside", time.Minute)
	if err := os.Rename(s.path(aside), filepath.Join(dir, ".sweep-"+aside)); err != nil {
		t.Fatal(err)
	}
	cutoff := time.Now().Add(-48 * time.Hour)
	asked := map[string]bool{}
	n, err := s.Sweep(cutoff, func(sums []string) (map[string]bool, error) {
		for _, sum := range sums {
			asked[sum] = true
		}
		// The same file uploaded again while the sweep looks: Save writes a new copy over it.
		if _, err := s.Save(bytes.NewReader(pdf("again"))); err != nil {
			t.Fatal(err)
		}
		return map[string]bool{named: true}, nil
	})
	if err != nil || n != 1 {
		t.Fatalf("removed %d, %v", n, err)
	}
	if asked[fresh] || asked[aside] || !asked[orphan] || !asked[named] || !asked[again] {
		t.Fatalf("asked about %v", asked)
	}
	for sum, want := range map[string]bool{orphan: false, named: true, fresh: true, again: true, aside: true} {
		f, err := s.Open(sum)
		if got := err == nil; got != want {
			t.Errorf("file %s… there: %v, want %v (%v)", sum[:8], got, want, err)
		}
		if f != nil {
			f.Close()
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".upload-123")); !os.IsNotExist(err) {
		t.Errorf("an old temporary upload is still there: %v", err)
	}
}
