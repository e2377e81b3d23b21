package department_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/errs"
)

func fieldError(t *testing.T, err error, field string) string {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Invalid {
		t.Fatalf("want an invalid-input error, got %v", err)
	}
	return e.Fields[field]
}

func TestDepartments(t *testing.T) {
	ctx := context.Background()
	s := department.NewService(dbtest.Open(t))

	housing, err := s.Create(ctx, "  Управління   житлово-комунального господарства ", "Housing and Utilities")
	if err != nil {
		t.Fatal(err)
	}
	if housing.NameUK != "Управління житлово-комунального господарства" || !housing.Active || housing.ID == 0 {
		t.Fatalf("created: %+v", housing)
	}
	social, err := s.Create(ctx, "Департамент соціального захисту", "")
	if err != nil {
		t.Fatal(err)
	}
	if social.Name("en") != "Департамент соціального захисту" || housing.Name("en") != "Housing and Utilities" {
		t.Fatal("Name falls back to Ukrainian only without an English name")
	}

	for _, tc := range []struct{ uk, en, field, msg string }{
		{"   ", "x", "name_uk", "department.error.required"},
		{"Управління житлово-комунального господарства", "", "name_uk", "department.error.exists"},
		{"Управління  житлово-комунального господарства", "", "name_uk", "department.error.exists"},
		{strings.Repeat("д", 301), "", "name_uk", "department.error.too_long"},
	} {
		_, err := s.Create(ctx, tc.uk, tc.en)
		if got := fieldError(t, err, tc.field); got != tc.msg {
			t.Errorf("Create(%q): %s = %q, want %q", tc.uk, tc.field, got, tc.msg)
		}
	}

	if err := s.Rename(ctx, social.ID, "Управління житлово-комунального господарства", ""); fieldError(t, err, "name_uk") != "department.error.exists" {
		t.Fatalf("renaming onto another's name: %v", err)
	}
	if err := s.Rename(ctx, social.ID, "Управління соціального захисту населення", "Social Protection"); err != nil {
		t.Fatal(err)
	}
	if err := s.Rename(ctx, housing.ID, housing.NameUK, "Housing"); err != nil {
		t.Fatalf("keeping one's own name: %v", err)
	}
	if err := s.Rename(ctx, 99999, "Інше", ""); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("renaming a missing department: %v", err)
	}

	if err := s.SetActive(ctx, housing.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := s.SetActive(ctx, 99999, false); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("a missing department: %v", err)
	}
	active, err := s.List(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != 1 || active[0].NameUK != "Управління соціального захисту населення" || active[0].NameEN != "Social Protection" {
		t.Fatalf("active: %+v", active)
	}
	all, err := s.List(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != housing.ID || all[0].Active {
		t.Fatalf("all, by name: %+v", all)
	}
	got, err := s.Get(ctx, housing.ID)
	if err != nil || got.NameEN != "Housing" {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := s.Get(ctx, 99999); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("get a missing one: %v", err)
	}
}
