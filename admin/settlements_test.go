package admin_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/steptest"
)

// placeScene is what the steps of TestSettlementsInTheStaffArea share.
type placeScene struct {
	s                     *apptest.Server
	registrar, admin      *http.Client
	head                  *http.Client
	village, town         string // the settlements' ids, as forms send them
	zelene, plain, chosen string // cards: found in the address, naming none, chosen by the registrar
}

// TestSettlementsInTheStaffArea: an admin keeps the community's list; the registrar's form finds the
// settlement in the address or takes the registrar's choice; the card shows it and lets the registrar
// (not the head) correct it; the registry filters by it, "not determined" included, and exports it.
func TestSettlementsInTheStaffArea(t *testing.T) {
	s, _, registrar, admin := staffServer(t)
	head := apptest.Browser(t)
	s.SignIn(t, head, "dev-staff-head")
	if _, err := s.App.People.GrantRole(t.Context(), "v.kravchenko@rada.zrazkove.example", identity.RoleHead, "test"); err != nil {
		t.Fatal(err)
	}
	steptest.Run(t, &placeScene{s: s, registrar: registrar, admin: admin, head: head}, []steptest.Step[*placeScene]{
		{Name: "an admin keeps the list", Run: adminKeepsTheList},
		{Name: "the registrar's form finds or takes the settlement", Run: registrarFormFindsTheSettlement},
		{Name: "the registrar corrects it on the card", Run: registrarCorrectsOnTheCard},
		{Name: "the registry filters and exports by settlement", Run: registryFiltersBySettlement},
	})
}

func adminKeepsTheList(t *testing.T, sc *placeScene) {
	page := apptest.Get(t, sc.admin, sc.s.Path("/admin/settlements"))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Населені пункти громади") {
		t.Fatalf("the list: %d", page.Status)
	}
	if dash := apptest.Get(t, sc.admin, sc.s.Path("/admin/")); !strings.Contains(dash.Body, `href="/admin/settlements"`) {
		t.Error("the admin's front page does not link the list")
	}
	csrf := apptest.CSRF(t, page.Body)
	add := func(v url.Values) apptest.Response {
		v.Set("_csrf", csrf)
		return apptest.PostForm(t, sc.admin, sc.s.Path("/admin/settlements"), v)
	}
	for _, v := range []url.Values{
		{"name_uk": {"Зелене"}, "kind": {"village"}, "district": {"Зеленівський старостинський округ"}},
		{"name_uk": {"Лісове"}, "kind": {"town"}},
	} {
		if r := add(v); r.Status != http.StatusSeeOther {
			t.Fatalf("add %v: %d", v, r.Status)
		}
	}
	// A refused form keeps what was typed and says why beside the field.
	r := add(url.Values{"name_uk": {"Зелене"}, "kind": {"village"}, "district": {"Зеленівський старостинський округ"}, "name_en": {"Zelene"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Такий населений пункт у цьому окрузі вже є.") ||
		!strings.Contains(r.Body, `value="Zelene"`) {
		t.Errorf("a repeated settlement: %d", r.Status)
	}
	if r := add(url.Values{"name_uk": {"Гай"}, "kind": {"metropolis"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Оберіть вид зі списку.") || !strings.Contains(r.Body, `value="Гай"`) {
		t.Errorf("an unknown kind: %d", r.Status)
	}
	list, err := sc.s.App.Settlements.List(t.Context(), false)
	if err != nil || len(list) != 2 {
		t.Fatalf("stored: %+v %v", list, err)
	}
	sc.village, sc.town = list[0].Code(), list[1].Code() // by name: Зелене, Лісове

	// The page of one settlement changes it; a refused change comes back with the typed name.
	edit := apptest.Get(t, sc.admin, sc.s.Path("/admin/settlements/"+sc.town))
	if edit.Status != http.StatusOK || !strings.Contains(edit.Body, `value="Лісове"`) {
		t.Fatalf("the settlement's page: %d", edit.Status)
	}
	v := url.Values{"_csrf": {csrf}, "name_uk": {"  "}, "kind": {"town"}}
	if r := apptest.PostForm(t, sc.admin, sc.s.Path("/admin/settlements/"+sc.town), v); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Вкажіть назву.") {
		t.Errorf("an empty name: %d", r.Status)
	}
	v.Set("name_en", "Lisove")
	v.Set("name_uk", "Лісове")
	if r := apptest.PostForm(t, sc.admin, sc.s.Path("/admin/settlements/"+sc.town), v); r.Status != http.StatusSeeOther {
		t.Errorf("save: %d", r.Status)
	}
	if r := apptest.Get(t, sc.admin, sc.s.Path("/admin/settlements/999999")); r.Status != http.StatusNotFound {
		t.Errorf("a missing settlement: %d", r.Status)
	}
}

func registrarFormFindsTheSettlement(t *testing.T, sc *placeScene) {
	page := apptest.Get(t, sc.registrar, sc.s.Path("/admin/appeals/new"))
	if !strings.Contains(page.Body, `<option value="`+sc.village+`">Зелене (Зеленівський старостинський округ)</option>`) {
		t.Fatal("the form does not offer the settlements")
	}
	csrf := apptest.CSRF(t, page.Body)
	register := func(last, address, place string) (apptest.Response, string) {
		v := url.Values{"_csrf": {csrf}, "action": {"submit"}, "questions": {"1"}, "channel": {"mail"},
			"received_at": {time.Now().Format("2006-01-02")}, "nature": {"individual"}, "last_name": {last},
			"first_name": {"Іван"}, "address": {address}, "settlement": {place}, "type": {"application"},
			"q0_subject": {"09"}, "summary": {"Прошу впорядкувати графік вивезення сміття."}}
		r := apptest.PostForm(t, sc.registrar, sc.s.Path("/admin/appeals"), v)
		return r, regexp.MustCompile(`^/admin/appeals/\d+`).FindString(r.Location)
	}
	var r apptest.Response
	r, sc.zelene = register("Шевчук", "с. Зелене, вул. Садова, 3", "")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("register: %d\n%.2000s", r.Status, r.Body)
	}
	card := apptest.Get(t, sc.registrar, sc.s.Path(sc.zelene))
	if !strings.Contains(card.Body, `<dd id="settlement">Зелене (Зеленівський старостинський округ)</dd>`) {
		t.Error("the card does not show the settlement found in the address")
	}
	_, sc.plain = register("Ярош", "вул. Соборна, 1", "")
	if card := apptest.Get(t, sc.registrar, sc.s.Path(sc.plain)); !strings.Contains(card.Body, `<dd id="settlement">не визначено</dd>`) {
		t.Error("an address naming no settlement: the card says not determined")
	}
	_, sc.chosen = register("Мельник", "с. Зелене", sc.town)
	if card := apptest.Get(t, sc.registrar, sc.s.Path(sc.chosen)); !strings.Contains(card.Body, `<dd id="settlement">Лісове</dd>`) {
		t.Error("the registrar's choice is not kept")
	}
	// A value outside the list is refused beside the field, with the form kept.
	if r, _ := register("Кравець", "с. Зелене", "999999"); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Оберіть значення зі списку.") || !strings.Contains(r.Body, `value="Кравець"`) {
		t.Errorf("an unknown settlement: %d", r.Status)
	}
}

func registrarCorrectsOnTheCard(t *testing.T, sc *placeScene) {
	if card := apptest.Get(t, sc.head, sc.s.Path(sc.plain)); strings.Contains(card.Body, "/settlement\"") {
		t.Error("the head is offered the correction")
	}
	card := apptest.Get(t, sc.registrar, sc.s.Path(sc.plain))
	if !strings.Contains(card.Body, `action="`+sc.plain+`/settlement"`) {
		t.Fatal("the registrar is not offered the correction")
	}
	csrf := apptest.CSRF(t, card.Body)
	post := func(c *http.Client, place string) apptest.Response {
		return apptest.PostForm(t, c, sc.s.Path(sc.plain+"/settlement"), url.Values{"_csrf": {csrf}, "settlement": {place}})
	}
	if r := post(sc.registrar, ""); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Звернення вже віднесено до цього населеного пункту.") {
		t.Errorf("no change: %d", r.Status)
	}
	if r := post(sc.registrar, "x"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Оберіть населений пункт зі списку діючих.") {
		t.Errorf("a value outside the list: %d", r.Status)
	}
	if r := post(sc.registrar, sc.village); r.Status != http.StatusSeeOther {
		t.Fatalf("correct: %d", r.Status)
	}
	card = apptest.Get(t, sc.registrar, sc.s.Path(sc.plain))
	for _, want := range []string{`<dd id="settlement">Зелене (Зеленівський старостинський округ)</dd>`,
		"Виправлено населений пункт", "не визначено → Зелене (Зеленівський старостинський округ)"} {
		if !strings.Contains(card.Body, want) {
			t.Errorf("the card lacks %q", want)
		}
	}
	if r := apptest.PostForm(t, sc.head, sc.s.Path(sc.plain+"/settlement"), url.Values{"_csrf": {apptest.CSRF(t, apptest.Get(t, sc.head, sc.s.Path("/admin/")).Body)},
		"settlement": {sc.town}}); r.Status != http.StatusForbidden {
		t.Errorf("the head corrects: %d", r.Status)
	}
}

func registryFiltersBySettlement(t *testing.T, sc *placeScene) {
	list := func(q string) string {
		r := apptest.Get(t, sc.registrar, sc.s.Path("/admin/appeals?"+q))
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d", q, r.Status)
		}
		return r.Body
	}
	idx := func(card string) string {
		b := apptest.Get(t, sc.registrar, sc.s.Path(card)).Body
		return regexp.MustCompile(`[А-ЯІЇЄҐ]-\d+/\d+`).FindString(b)
	}
	zelene, plain, chosen := idx(sc.zelene), idx(sc.plain), idx(sc.chosen)
	body := list("settlement=" + sc.village)
	if !strings.Contains(body, ">"+zelene+"<") || !strings.Contains(body, ">"+plain+"<") || strings.Contains(body, ">"+chosen+"<") ||
		!strings.Contains(body, "Знайдено 2 звернення") {
		t.Errorf("the village's appeals: %s %s, not %s", zelene, plain, chosen)
	}
	// The three appeals of the fixture were registered before any settlement existed.
	if body := list("settlement=none"); strings.Contains(body, ">"+zelene+"<") || !strings.Contains(body, "Знайдено 3 звернення") {
		t.Error("not determined: the fixture's three appeals only")
	}
	if r := apptest.Get(t, sc.registrar, sc.s.Path("/admin/appeals?settlement=999999")); r.Status != http.StatusBadRequest ||
		!strings.Contains(r.Body, "Оберіть значення зі списку.") {
		t.Errorf("a settlement outside the list: %d", r.Status)
	}
	r := apptest.Get(t, sc.registrar, sc.s.Path("/admin/appeals.csv?settlement="+sc.town))
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][len(rows[0])-1] != "Населений пункт" || rows[1][len(rows[1])-1] != "Лісове" {
		t.Errorf("export: %v %v", rows, err)
	}
}
