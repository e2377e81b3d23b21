package migrations

import (
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// riverVersion is the migration internal/db applies from Go (River's own schema), in no folder.
const riverVersion = 2

var migrationFile = regexp.MustCompile(`^(\d{5})_([a-z0-9_]+)\.sql$`)

// Both dialects hold the same migrations — the same numbers under the same names — numbered from 1
// without a gap (but River's, applied from Go), so a schema change is never made for one database only.
func TestDialectsHoldTheSameMigrations(t *testing.T) {
	names := map[string][]string{}
	for _, dialect := range []string{"postgres", "sqlite"} {
		fsys, err := For(dialect)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !migrationFile.MatchString(e.Name()) {
				t.Errorf("%s/%s: want NNNNN_name.sql", dialect, e.Name())
				continue
			}
			names[dialect] = append(names[dialect], e.Name())
		}
	}
	if !slices.Equal(names["postgres"], names["sqlite"]) {
		t.Fatalf("the folders differ:\npostgres %v\nsqlite   %v", names["postgres"], names["sqlite"])
	}
	want := 1
	for _, name := range names["postgres"] {
		if want == riverVersion {
			want++
		}
		n, _ := strconv.Atoi(migrationFile.FindStringSubmatch(name)[1])
		if n != want {
			t.Errorf("%s: want number %d (no gaps, no repeats)", name, want)
			want = n
		}
		want++
	}
}
