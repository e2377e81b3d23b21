package georeport_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/georeport"
)

// Services are added with a code that never changes, mapped to a subject of the classifier, edited,
// switched off (no longer listed or found by code) and on again; every change leaves its audit line,
// and a form's problems come back beside their fields.
func TestCatalogue(t *testing.T) {
	gdb := dbtest.Open(t)
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat := georeport.NewCatalogue(gdb, clf.Subjects.Has)
	ctx := context.Background()
	lights, err := cat.Create(ctx, georeport.Input{Code: "lighting", SubjectCode: "09", NameUK: "  Вуличне   освітлення ",
		NameEN: "Street lighting", GroupUK: "Благоустрій", Position: 2})
	if err != nil {
		t.Fatal(err)
	}
	if lights.NameUK != "Вуличне освітлення" || !lights.Active || lights.Name("en") != "Street lighting" || lights.Group("en") != "Благоустрій" {
		t.Errorf("created: %+v", lights)
	}
	if _, err := cat.Create(ctx, georeport.Input{Code: "roads", SubjectCode: "03", NameUK: "Дороги", Position: 1}); err != nil {
		t.Fatal(err)
	}
	list, err := cat.List(ctx, true)
	if err != nil || len(list) != 2 || list[0].Code != "roads" {
		t.Fatalf("in order: %+v %v", list, err)
	}
	for name, c := range map[string]struct {
		in    georeport.Input
		field string
	}{
		"taken code":      {georeport.Input{Code: "roads", SubjectCode: "03", NameUK: "Дороги"}, "code"},
		"no code":         {georeport.Input{SubjectCode: "03", NameUK: "Дороги"}, "code"},
		"bad code":        {georeport.Input{Code: "дороги", SubjectCode: "03", NameUK: "Дороги"}, "code"},
		"unknown subject": {georeport.Input{Code: "x", SubjectCode: "99", NameUK: "Дороги"}, "subject"},
		"no name":         {georeport.Input{Code: "x", SubjectCode: "03"}, "name_uk"},
		"long name":       {georeport.Input{Code: "x", SubjectCode: "03", NameUK: strings.Repeat("я", 201)}, "name_uk"},
		"long text":       {georeport.Input{Code: "x", SubjectCode: "03", NameUK: "Х", DescriptionEN: strings.Repeat("a", 2001)}, "description_en"},
		"negative place":  {georeport.Input{Code: "x", SubjectCode: "03", NameUK: "Х", Position: -1}, "position"},
	} {
		_, err := cat.Create(ctx, c.in)
		if e := errs.As(err, errs.Invalid); e == nil || e.Fields[c.field] == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := cat.Update(ctx, lights.ID, georeport.Input{Code: "ignored", SubjectCode: "21", NameUK: "Освітлення"}); err != nil {
		t.Fatal(err)
	}
	got, err := cat.Get(ctx, lights.ID)
	if err != nil || got.Code != "lighting" || got.SubjectCode != "21" || got.NameUK != "Освітлення" {
		t.Errorf("updated (the code stays): %+v %v", got, err)
	}
	if err := cat.SetActive(ctx, lights.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := cat.ByCode(ctx, "lighting"); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("a switched-off service by code: %v", err)
	}
	if list, _ := cat.List(ctx, true); len(list) != 1 {
		t.Errorf("a switched-off service is listed: %+v", list)
	}
	if err := cat.SetActive(ctx, lights.ID, true); err != nil {
		t.Fatal(err)
	}
	if s, err := cat.ByCode(ctx, "lighting"); err != nil || s.ID != lights.ID {
		t.Errorf("on again: %+v %v", s, err)
	}
	if err := cat.SetActive(ctx, 999999, true); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("switching a service that does not exist: %v", err)
	}
	if err := cat.Update(ctx, 999999, georeport.Input{SubjectCode: "03", NameUK: "Х"}); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("updating a service that does not exist: %v", err)
	}
	var actions []string
	if err := gdb.Table("audit_log").Where("action LIKE 'open311.%'").Order("id").Pluck("action", &actions).Error; err != nil {
		t.Fatal(err)
	}
	want := "open311.service.create open311.service.create open311.service.update open311.service.deactivate open311.service.activate"
	if strings.Join(actions, " ") != want {
		t.Errorf("audit: %v, want %s", actions, want)
	}
}
