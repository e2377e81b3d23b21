package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/steptest"
)

// receptionScene is what the steps of TestPersonalReception share.
type receptionScene struct {
	s                         *apptest.Server
	citizen, registrar, admin *http.Client
	dayPath                   string
	dayID, visitID            int64
	account                   int64 // the official's staff account
}

// TestPersonalReception: an admin puts an official's receptions on the schedule; a citizen books a
// place on the public page and cannot take a place already taken; on the day the registrar records the
// official's decision in the journal and the appeal appears in the registry with the resolution and in
// the citizen's "My appeals"; a walk-in visitor without an address is refused beside the field.
func TestPersonalReception(t *testing.T) {
	s, citizen, registrar, admin := staffServer(t)
	steptest.Run(t, &receptionScene{s: s, citizen: citizen, registrar: registrar, admin: admin}, []steptest.Step[*receptionScene]{
		{Name: "an admin keeps the schedule", Run: adminKeepsTheSchedule},
		{Name: "a citizen books a place", Run: citizenBooksAPlace},
		{Name: "the official receives them", Run: officialReceivesThem},
		{Name: "a walk-in without an address", Run: walkInWithoutAddress},
	})
}

func adminKeepsTheSchedule(t *testing.T, sc *receptionScene) {
	page := apptest.Get(t, sc.admin, sc.s.Path("/admin/reception"))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Посадові особи, що ведуть прийом") {
		t.Fatalf("the schedule page: %d", page.Status)
	}
	csrf := apptest.CSRF(t, page.Body)
	official := url.Values{"_csrf": {csrf}, "name": {"Петренко Іван Миколайович"}, "position_uk": {"Міський голова"},
		"position_en": {"Mayor"}, "account": {"999999"}}
	// An account that is no staff member's is refused beside its field.
	if r := apptest.PostForm(t, sc.admin, sc.s.Path("/admin/reception/officials"), official); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Оберіть працівника зі списку") || !strings.Contains(r.Body, `value="Петренко Іван Миколайович"`) {
		t.Fatalf("an unknown account: %d", r.Status)
	}
	if err := sc.s.App.DB.Raw("SELECT id FROM persons WHERE email = ?", "o.lytvynenko@rada.zrazkove.example").Scan(&sc.account).Error; err != nil {
		t.Fatal(err)
	}
	official.Set("account", fmt.Sprint(sc.account))
	if r := apptest.PostForm(t, sc.admin, sc.s.Path("/admin/reception/officials"), official); r.Status != http.StatusSeeOther {
		t.Fatalf("add an official: %d", r.Status)
	}
	officials, err := sc.s.App.Reception.Officials(t.Context(), true)
	if err != nil || len(officials) != 1 {
		t.Fatalf("officials: %v %v", officials, err)
	}
	tomorrow := sc.s.App.Reception.Clock().Today().AddDate(0, 0, 1)
	form := url.Values{"_csrf": {csrf}, "official": {fmt.Sprint(officials[0].ID)}, "first": {tomorrow.Format("02.01.2006")},
		"weeks": {"2"}, "start": {"10:00"}, "end": {"11:00"}, "slot_minutes": {"30"}, "capacity": {"1"}, "place": {"вул. Соборна, 1, каб. 12"}}
	// A refused form keeps what was typed and names the field.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("end", "09:00")
	if r := apptest.PostForm(t, sc.admin, sc.s.Path("/admin/reception/days"), bad); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Кінець має бути пізніше за початок") || !strings.Contains(r.Body, `value="вул. Соборна, 1, каб. 12"`) {
		t.Fatalf("hours the wrong way round: %d", r.Status)
	}
	if r := apptest.PostForm(t, sc.admin, sc.s.Path("/admin/reception/days"), form); r.Status != http.StatusSeeOther {
		t.Fatalf("add the days: %d", r.Status)
	}
	days, err := sc.s.App.Reception.Schedule(t.Context(), tomorrow, tomorrow.AddDate(0, 0, 14))
	if err != nil || len(days) != 2 || days[0].Free != 2 {
		t.Fatalf("days: %+v %v", days, err)
	}
	sc.dayID = days[0].ID
	sc.dayPath = fmt.Sprintf("/reception/days/%d", sc.dayID)
	// The registrar does not keep the schedule.
	if r := apptest.PostForm(t, sc.registrar, sc.s.Path("/admin/reception/days"), form); r.Status != http.StatusForbidden {
		t.Errorf("a registrar adds days: %d", r.Status)
	}
}

func citizenBooksAPlace(t *testing.T, sc *receptionScene) {
	public := apptest.Get(t, apptest.Browser(t), sc.s.Path("/reception"))
	if public.Status != http.StatusOK || !strings.Contains(public.Body, "Петренко Іван Миколайович") ||
		!strings.Contains(public.Body, `href="`+sc.dayPath+`"`) {
		t.Fatalf("the public schedule: %d", public.Status)
	}
	if data := apptest.Get(t, apptest.Browser(t), sc.s.Path("/api/v1/reception")); data.Status != http.StatusOK ||
		!strings.Contains(data.Body, `"free_places":2`) || strings.Contains(data.Body, "Коваленко") {
		t.Fatalf("the open data: %d %s", data.Status, data.Body)
	}
	page := apptest.Get(t, sc.citizen, sc.s.Path(sc.dayPath))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `name="slot"`) {
		t.Fatalf("the day's page: %d", page.Status)
	}
	_, slots, err := sc.s.App.Reception.DayWithSlots(t.Context(), sc.dayID)
	if err != nil {
		t.Fatal(err)
	}
	book := url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "slot": {fmt.Sprint(slots[0].ID)}, "subject": {"09"},
		"question": {"Протікає дах у під’їзді після ремонту"}}
	// Without a subject the form comes back with what was typed.
	noSubject := url.Values{"_csrf": book["_csrf"], "slot": book["slot"], "question": book["question"]}
	if r := apptest.PostForm(t, sc.citizen, sc.s.Path(sc.dayPath+"/book"), noSubject); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Протікає дах у під’їзді після ремонту") {
		t.Fatalf("no subject: %d", r.Status)
	}
	r := apptest.PostForm(t, sc.citizen, sc.s.Path(sc.dayPath+"/book"), book)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("book: %d", r.Status)
	}
	m := regexp.MustCompile(`/reception/visits/(\d+)`).FindStringSubmatch(r.Location)
	if m == nil {
		t.Fatalf("booked, sent to %q", r.Location)
	}
	fmt.Sscan(m[1], &sc.visitID)
	visit := apptest.Get(t, sc.citizen, sc.s.Path(r.Location))
	if visit.Status != http.StatusOK || !strings.Contains(visit.Body, "Вас записано на прийом") {
		t.Fatalf("the booking: %d", visit.Status)
	}
	// The place is taken: another citizen is told so, with the form kept (409).
	other := apptest.Browser(t)
	sc.s.SignIn(t, other, "dev-citizen-andrii")
	otherPage := apptest.Get(t, other, sc.s.Path(sc.dayPath))
	book.Set("_csrf", apptest.CSRF(t, otherPage.Body))
	if r := apptest.PostForm(t, other, sc.s.Path(sc.dayPath+"/book"), book); r.Status != http.StatusConflict ||
		!strings.Contains(r.Body, "Цей час уже зайняли") || !strings.Contains(r.Body, "Протікає дах у під’їзді після ремонту") {
		t.Fatalf("a taken place: %d", r.Status)
	}
	// Nobody else sees or cancels the booking.
	if r := apptest.Get(t, other, sc.s.Path(fmt.Sprintf("/reception/visits/%d", sc.visitID))); r.Status != http.StatusNotFound {
		t.Errorf("someone else's booking: %d", r.Status)
	}
	if r := apptest.PostForm(t, other, sc.s.Path(fmt.Sprintf("/reception/visits/%d/cancel", sc.visitID)),
		url.Values{"_csrf": book["_csrf"]}); r.Status != http.StatusNotFound {
		t.Errorf("someone else's cancel: %d", r.Status)
	}
}

// officialReceivesThem: the reception day comes (its date moved to today in the database, as the clock
// of the running program cannot be moved), and the registrar records the official's decision.
func officialReceivesThem(t *testing.T, sc *receptionScene) {
	today := sc.s.App.Reception.Clock().Today()
	if err := sc.s.App.DB.Model(&reception.Day{}).Where("id = ?", sc.dayID).Update("day", today).Error; err != nil {
		t.Fatal(err)
	}
	journal := apptest.Get(t, sc.registrar, sc.s.Path(fmt.Sprintf("/admin/reception/days/%d", sc.dayID)))
	if journal.Status != http.StatusOK || !strings.Contains(journal.Body, "Протікає дах у під’їзді після ремонту") {
		t.Fatalf("the journal: %d", journal.Status)
	}
	csrf := apptest.CSRF(t, journal.Body)
	receive := fmt.Sprintf("/admin/reception/visits/%d/receive", sc.visitID)
	if r := apptest.PostForm(t, sc.registrar, sc.s.Path(receive), url.Values{"_csrf": {csrf}, "type": {"complaint"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Заповніть це поле") {
		t.Fatalf("no resolution: %d", r.Status)
	}
	r := apptest.PostForm(t, sc.registrar, sc.s.Path(receive), url.Values{"_csrf": {csrf}, "type": {"complaint"},
		"resolution": {"Управлінню ЖКГ обстежити дах до 15 числа"}, "subject": {"09"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/appeals/") {
		t.Fatalf("receive: %d %s", r.Status, r.Location)
	}
	v, err := sc.s.App.Reception.Visit(t.Context(), sc.visitID, nil)
	if err != nil || v.Status != reception.StatusReceived || v.AppealID == nil {
		t.Fatalf("the visit: %+v %v", v, err)
	}
	a, err := sc.s.App.Registry.AppealForStaff(t.Context(), *v.AppealID)
	if err != nil || a.Channel != registry.ChannelReception || !strings.Contains(a.Resolution, "обстежити дах") ||
		!strings.Contains(a.Resolution, "Петренко Іван Миколайович") || a.ResolutionBy == nil || *a.ResolutionBy != sc.account {
		t.Fatalf("the appeal: %+v %v", a, err)
	}
	card := apptest.Get(t, sc.registrar, sc.s.Path(r.Location))
	if card.Status != http.StatusOK || !strings.Contains(card.Body, a.RegIndex) {
		t.Fatalf("the card: %d", card.Status)
	}
	mine := apptest.Get(t, sc.citizen, sc.s.Path("/appeals"))
	if !strings.Contains(mine.Body, a.RegIndex) {
		t.Errorf("the citizen's appeals do not list %s", a.RegIndex)
	}
	print := apptest.Get(t, sc.registrar, sc.s.Path(fmt.Sprintf("/admin/reception/visits/%d/card", sc.visitID)))
	if print.Status != http.StatusOK || !strings.Contains(print.Body, "Картка особистого прийому") || !strings.Contains(print.Body, a.RegIndex) {
		t.Errorf("the printable card: %d", print.Status)
	}
	// A second click is refused, nothing is registered twice.
	if r := apptest.PostForm(t, sc.registrar, sc.s.Path(receive), url.Values{"_csrf": {csrf}, "resolution": {"Ще раз"}}); r.Status != http.StatusConflict {
		t.Errorf("received twice: %d", r.Status)
	}
}

func walkInWithoutAddress(t *testing.T, sc *receptionScene) {
	path := fmt.Sprintf("/admin/reception/days/%d", sc.dayID)
	csrf := apptest.CSRF(t, apptest.Get(t, sc.registrar, sc.s.Path(path)).Body)
	r := apptest.PostForm(t, sc.registrar, sc.s.Path(path+"/walkin"), url.Values{"_csrf": {csrf}, "last_name": {"Мельник"},
		"first_name": {"Ганна"}, "subject": {"10"}, "question": {"Прошу пояснити, як стати на квартирний облік"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("walk-in: %d", r.Status)
	}
	_, visits, err := sc.s.App.Reception.Journal(t.Context(), sc.dayID)
	if err != nil || len(visits) != 2 {
		t.Fatalf("journal: %v %d", err, len(visits))
	}
	walkIn := visits[1]
	r = apptest.PostForm(t, sc.registrar, sc.s.Path(fmt.Sprintf("/admin/reception/visits/%d/receive", walkIn.ID)),
		url.Values{"_csrf": {csrf}, "resolution": {"Роз’яснити порядок"}, "type": {"application"}, "subject": {"10"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-address-`) {
		t.Fatalf("no address: %d", r.Status)
	}
}

// receptionStaffRoutes are personal reception's staff routes for the roles test, on a reception day of
// tomorrow with one booking.
func receptionStaffRoutes(t *testing.T, s *apptest.Server) []staffRoute {
	t.Helper()
	ctx := context.Background()
	o, err := s.App.Reception.SaveOfficial(ctx, 0, reception.OfficialInput{Name: "Петренко Іван", PositionUK: "Міський голова"})
	if err != nil {
		t.Fatal(err)
	}
	days, err := s.App.Reception.AddDays(ctx, reception.DaysInput{OfficialID: o.ID,
		First: s.App.Reception.Clock().Today().AddDate(0, 0, 1), Start: "10:00", End: "11:00", SlotMinutes: 30, Capacity: 2, Place: "каб. 1"})
	if err != nil {
		t.Fatal(err)
	}
	_, slots, err := s.App.Reception.DayWithSlots(ctx, days[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.App.Reception.Book(ctx, slots[0].ID, reception.VisitorInput{LastName: "Бондар", FirstName: "Петро",
		Phone: "+380501234567", SubjectCode: "06", Question: "Субсидія"})
	if err != nil {
		t.Fatal(err)
	}
	const registrar, head, admin = identity.RoleRegistrar, identity.RoleHead, identity.RoleAdmin
	desk := []string{registrar, head, admin}
	day, visit := fmt.Sprintf("/admin/reception/days/%d", days[0].ID), fmt.Sprintf("/admin/reception/visits/%d", v.ID)
	return []staffRoute{
		{"GET", "/admin/reception", "/admin/reception", desk},
		{"POST", "/admin/reception/officials", "/admin/reception/officials", []string{admin}},
		{"POST", "/admin/reception/officials/:id<int>", fmt.Sprintf("/admin/reception/officials/%d", o.ID), []string{admin}},
		{"POST", "/admin/reception/days", "/admin/reception/days", []string{admin}},
		{"POST", "/admin/reception/days/:id<int>/cancel", day + "/cancel", []string{admin}},
		{"GET", "/admin/reception/days/:id<int>", day, desk},
		{"POST", "/admin/reception/days/:id<int>/book", day + "/book", desk},
		{"POST", "/admin/reception/days/:id<int>/walkin", day + "/walkin", desk},
		{"POST", "/admin/reception/visits/:id<int>/receive", visit + "/receive", desk},
		{"POST", "/admin/reception/visits/:id<int>/absent", visit + "/absent", desk},
		{"POST", "/admin/reception/visits/:id<int>/cancel", visit + "/cancel", desk},
		{"GET", "/admin/reception/visits/:id<int>/card", visit + "/card", desk},
	}
}
