package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
)

// TestOpen311ServicesPage: an admin adds a service (a refused form keeps what was typed and says why
// beside the field), edits it without touching its code, and switches it off and on; the registrar's
// card of an appeal filed under it shows the problem's place, its point on the map and its settlement.
func TestOpen311ServicesPage(t *testing.T) {
	s, _, registrar, admin := staffServer(t)
	page := apptest.Get(t, admin, s.Path("/admin/open311"))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Послуги Open311") {
		t.Fatalf("the list: %d", page.Status)
	}
	if dash := apptest.Get(t, admin, s.Path("/admin/")); !strings.Contains(dash.Body, `href="/admin/open311"`) {
		t.Error("the admin's front page does not link the list")
	}
	csrf := apptest.CSRF(t, page.Body)
	post := func(path string, v url.Values) apptest.Response {
		v.Set("_csrf", csrf)
		return apptest.PostForm(t, admin, s.Path(path), v)
	}
	if r := post("/admin/open311", url.Values{"code": {"roads"}, "subject": {"03"}, "name_uk": {"Ями на дорозі"},
		"name_en": {"Potholes"}, "group_uk": {"Дороги"}, "position": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add: %d", r.Status)
	}
	for name, c := range map[string]struct {
		v    url.Values
		says string
	}{
		"a taken code":    {url.Values{"code": {"roads"}, "subject": {"03"}, "name_uk": {"Ще дороги"}}, "Послуга з таким кодом уже є."},
		"a Cyrillic code": {url.Values{"code": {"дороги"}, "subject": {"03"}, "name_uk": {"Ще дороги"}}, "Код — латинські літери"},
		"no subject":      {url.Values{"code": {"x"}, "name_uk": {"Ще дороги"}}, "Оберіть тематику з класифікатора."},
		"a bad position":  {url.Values{"code": {"x"}, "subject": {"03"}, "name_uk": {"Ще дороги"}, "position": {"-5"}}, "Порядок — ціле число"},
	} {
		r := post("/admin/open311", c.v)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, c.says) || !strings.Contains(r.Body, `value="Ще дороги"`) {
			t.Errorf("%s: %d", name, r.Status)
		}
	}
	list, err := s.App.Services.List(t.Context(), false)
	if err != nil || len(list) != 1 {
		t.Fatalf("stored: %+v %v", list, err)
	}
	id := list[0].ID
	edit := fmt.Sprintf("/admin/open311/%d", id)
	if r := apptest.Get(t, admin, s.Path(edit)); r.Status != http.StatusOK || !strings.Contains(r.Body, `value="Potholes"`) {
		t.Errorf("the edit page: %d", r.Status)
	}
	if r := post(edit, url.Values{"code": {"changed"}, "subject": {"09"}, "name_uk": {"Ями"}}); r.Status != http.StatusSeeOther {
		t.Errorf("save: %d", r.Status)
	}
	if svc, err := s.App.Services.Get(t.Context(), id); err != nil || svc.Code != "roads" || svc.SubjectCode != "09" || svc.NameUK != "Ями" {
		t.Errorf("saved (the code stays): %+v %v", svc, err)
	}
	if r := post(edit+"/active", url.Values{"active": {"false"}}); r.Status != http.StatusSeeOther {
		t.Errorf("switch off: %d", r.Status)
	}
	if _, err := s.App.Services.ByCode(t.Context(), "roads"); err == nil {
		t.Error("a switched-off service is still offered")
	}
	if r := post(edit+"/active", url.Values{"active": {"true"}}); r.Status != http.StatusSeeOther {
		t.Errorf("switch on: %d", r.Status)
	}
	if r := apptest.Get(t, admin, s.Path("/admin/open311/999999")); r.Status != http.StatusNotFound {
		t.Errorf("a service that does not exist: %d", r.Status)
	}

	ctx := context.Background()
	if _, err := s.App.Settlements.Create(ctx, settlement.Input{NameUK: "Зелене", Kind: "village"}); err != nil {
		t.Fatal(err)
	}
	lat, lon := 50.4501, 30.5234
	a, err := s.App.Registry.RegisterAppeal(ctx, registry.RegisterInput{Channel: "email", LastName: "Коваль", FirstName: "Олена",
		Address: "м. Зразкове, вул. Миру, 1", Email: "olena@mail.example", Type: "application", ServiceCode: "roads",
		Place:     registry.Place{Latitude: &lat, Longitude: &lon, Address: "с. Зелене, біля школи"},
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Ями"}}, Summary: "Яма на дорозі біля школи."})
	if err != nil {
		t.Fatal(err)
	}
	card := apptest.Get(t, registrar, s.Path(fmt.Sprintf("/admin/appeals/%d", a.ID)))
	for _, want := range []string{"Місце проблеми", "roads — Ями", "с. Зелене, біля школи", "50.450100, 30.523400",
		"https://www.openstreetmap.org/?mlat=50.450100&amp;mlon=30.523400", "Населений пункт місця"} {
		if !strings.Contains(card.Body, want) {
			t.Errorf("the card does not show %q", want)
		}
	}
	if i := strings.Index(card.Body, `id="place"`); i < 0 || !strings.Contains(card.Body[i:i+2000], "Зелене") {
		t.Error("the card does not show the place's settlement")
	}
}
