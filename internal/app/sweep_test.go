package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
)

// The sweep of stored files, as the queue runs it: an old file that nothing names goes, an old file a
// draft still names stays, and so does a new one.
func TestSweepFiles(t *testing.T) {
	s := apptest.Start(t, nil)
	ctx := context.Background()
	store := func(text string) registry.DraftFile {
		body := []byte("%PDF-1.4\n" + text)
		files, err := s.App.Registry.StoreDraftFiles([]registry.Upload{{Name: text + ".pdf", Size: int64(len(body)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }}})
		if err != nil {
			t.Fatal(err)
		}
		return files[0]
	}
	path := func(f registry.DraftFile) string {
		return filepath.Join(s.App.Config.DataDir, "attachments", f.SHA256[:2], f.SHA256)
	}
	orphan, drafted, fresh := store("abandoned"), store("drafted"), store("fresh")
	p, err := s.App.People.SignIn(ctx, identity.Claims{Issuer: "i", Subject: "sweep", TaxID: "3000000001",
		LastName: "Коваленко", GivenName: "Олена"})
	if err != nil {
		t.Fatal(err)
	}
	form, _ := json.Marshal(map[string]string{"Summary": "чернетка"})
	if err := s.App.Registry.SaveDraft(ctx, p.ID, registry.Draft{Form: form, Files: []registry.DraftFile{drafted}}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-3 * registry.DraftLifetime)
	for _, f := range []registry.DraftFile{orphan, drafted} {
		if err := os.Chtimes(path(f), old, old); err != nil {
			t.Fatal(err)
		}
	}
	// The queue's own run on start may have swept already: what counts is what is left.
	if n, err := s.App.SweepFiles(ctx, time.Now()); err != nil || n > 1 {
		t.Fatalf("swept %d, %v", n, err)
	}
	for f, want := range map[registry.DraftFile]bool{orphan: false, drafted: true, fresh: true} {
		if _, err := os.Stat(path(f)); (err == nil) != want {
			t.Errorf("%s: there %v, want %v (%v)", f.Name, err == nil, want, err)
		}
	}
}
