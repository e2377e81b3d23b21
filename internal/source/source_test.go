package source_test

import (
	"context"
	"testing"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/source"
)

// Every council starts with the two hotlines as sources; others are added with a short unique code and a
// channel of the classifier.
func TestSources(t *testing.T) {
	gdb := dbtest.Open(t)
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc := source.NewService(gdb, clf.Channels.Has)
	ctx := context.Background()
	for code, channel := range map[string]string{source.GovHotline: "gov_hotline", source.ODAHotline: "oda_hotline"} {
		s, err := svc.ByCode(ctx, code)
		if err != nil || s.Channel != channel || !s.Active || s.NameUK == "" {
			t.Errorf("source %s: %+v %v", code, s, err)
		}
	}
	app, err := svc.Create(ctx, "city-app", "Міський застосунок «Зразкове»", "The city app", "other_org")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Get(ctx, app.ID); err != nil || got.Name("en") != "The city app" || got.Name("uk") != "Міський застосунок «Зразкове»" {
		t.Errorf("get: %+v %v", got, err)
	}
	for name, c := range map[string]struct{ code, name, channel, field string }{
		"taken code":      {"city-app", "Інший", "other_org", "code"},
		"bad code":        {"міськ app", "Інший", "other_org", "code"},
		"no name":         {"other", "", "other_org", "name_uk"},
		"unknown channel": {"other", "Інший", "fax", "channel"},
	} {
		_, err := svc.Create(ctx, c.code, c.name, "", c.channel)
		if e := errs.As(err, errs.Invalid); e == nil || e.Fields[c.field] == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	list, err := svc.List(ctx, true)
	if err != nil || len(list) != 3 {
		t.Errorf("list: %d %v", len(list), err)
	}
	if _, err := svc.ByCode(ctx, "nothing"); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("an unknown code: %v", err)
	}
}
