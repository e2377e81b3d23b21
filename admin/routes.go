// Package admin is the staff area under /admin: one route table, one file per resource, templates in
// views/. Everything here needs a staff role (to everyone else it answers 404), and each page checks
// its own role.
package admin

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"time"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/georeport"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/intake"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/reporttext"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/source"
	"github.com/hromada/hromada/internal/web"
)

//go:embed views/*.html
var views embed.FS

// Views are the staff area's templates, named "admin/<file>".
func Views() fs.FS { return web.ViewsOf(views) }

// Deps is what the staff area's handlers use.
type Deps struct {
	Log         *slog.Logger
	Notify      *notify.Service
	Petitions   *petition.Service
	People      *identity.Service
	Registry    *registry.Service
	Departments *department.Service
	Settlements *settlement.Service
	Sources     *source.Service      // the systems appeals come from: a hotline's card typed in is known by its number
	Services    *georeport.Catalogue // Open311's public services
	Classifier  *classifier.Classifier
	Timezone    *time.Location // the council's zone, for dates in exports
	Audit       *audit.Service
	// Staff lists everyone with a staff role, for the audit log's filter by person.
	Staff func(ctx context.Context) ([]identity.StaffContact, error)
	// Reports computes statistics and forms 1–2 (analyst, admin); Council names the council in them and
	// in printed letters.
	Reports *report.Service
	Council i18n.Text
	// ReportTexts are the typed parts of the whole document per period; ReportHeading its addressee,
	// unit, signatory and approver from configuration.
	ReportTexts   *reporttext.Service
	ReportHeading report.Heading
	// StatusURL is where authors follow their appeals (the receipt prints it); CaseIndex the case
	// appeals are filed in (the registration-control card prints it).
	StatusURL string
	CaseIndex string
	// Intake takes other systems' cards in through import profiles and gives results back.
	Intake *intake.Service
	// Tokens are the machine API's tokens (admin).
	Tokens *apitoken.Service
	// Reception is personal reception: the schedule, bookings and the reception journal.
	Reception *reception.Service
}

// registryRoles may read the registry of appeals: everyone who works with appeals, not moderators.
var registryRoles = []string{identity.RoleRegistrar, identity.RoleExecutor, identity.RoleHead,
	identity.RoleAnalyst, identity.RoleAdmin}

type handlers struct {
	Deps
	web *web.Server
}

// Register adds the staff area's routes to the app.
func Register(s *web.Server, d Deps) {
	h := &handlers{Deps: d, web: s}
	staff := s.App.Group("/admin", web.RequireStaff, h.bindNav)
	staff.Get("/", h.dashboard)

	petitions := staff.Group("/petitions", web.RequireRole(identity.RoleModerator, identity.RoleHead))
	petitions.Get("/", h.petitionQueue)
	petitions.Get("/:id<int>", h.petition)
	petitions.Post("/:id<int>/:action", web.AcceptUploads, h.petitionAction) // the answer carries a file

	// Route-level role checks here: a group with an empty prefix would guard every later /admin route.
	registrars := web.RequireRole(registryRoles...)
	staff.Get("/appeals", registrars, h.appealList)
	staff.Get("/appeals.csv", registrars, h.appealsCSV)
	// Filters a person saves under a name (journal.go): only their own, another's is 404.
	staff.Post("/appeals/views", registrars, h.saveView)
	staff.Post("/appeals/views/:id<int>/delete", registrars, h.deleteView)
	registerers := web.RequireRole(identity.RoleRegistrar, identity.RoleAdmin)
	staff.Get("/appeals/new", registerers, h.newStaffAppeal)
	// Forms with files are marked web.AcceptUploads: only they take more than a small body.
	staff.Post("/appeals", web.AcceptUploads, registerers, h.createStaffAppeal)
	// The form's script asks for the author's earlier appeals as they are typed (register.go).
	staff.Get("/appeals/earlier", registerers, h.earlierAppeals)
	staff.Get("/import", registerers, h.importForm) // appeals from a CSV registry (import.go)
	staff.Post("/import", web.AcceptUploads, registerers, h.importAppeals)
	staff.Get("/import/template.csv", registerers, h.importTemplate)
	// Cards of other systems through import profiles, and the results back in their layout (intake.go).
	staff.Post("/import/cards", web.AcceptUploads, registerers, h.uploadCards)
	staff.Get("/import/runs/:id<int>", registerers, h.intakeRun)
	staff.Post("/import/runs/:id<int>", registerers, h.confirmRun)
	staff.Get("/import/profiles/new", registerers, h.newProfile)
	staff.Post("/import/profiles", registerers, h.createProfile)
	staff.Get("/import/profiles/:id<int>", registerers, h.editProfile)
	staff.Post("/import/profiles/:id<int>", registerers, h.updateProfile)
	staff.Get("/import/results.:format", registerers, h.intakeResults)
	staff.Get("/appeals/:id<int>", registrars, h.appealCard)
	staff.Get("/appeals/:id<int>/attachments/:file<int>", registrars, h.appealAttachment)
	staff.Get("/appeals/:id<int>/print", registrars, h.replyPrint)
	// The appeal's letters, its registration-control card and the visitor's receipt (letters.go, rkk.go).
	staff.Get("/appeals/:id<int>/letters", registrars, h.appealLetters)
	staff.Get("/appeals/:id<int>/letters/:letter<int>", registrars, h.letterPrint)
	staff.Get("/appeals/:id<int>/letters/:letter<int>.pdf", registrars, h.letterPDF)
	staff.Post("/appeals/:id<int>/letters", web.RequireRole(identity.RoleRegistrar, identity.RoleHead), h.acknowledge)
	staff.Get("/appeals/:id<int>/rkk", registrars, h.rkk)
	staff.Get("/appeals/:id<int>/rkk.pdf", registrars, h.rkkPDF)
	staff.Get("/appeals/:id<int>/receipt", registrars, h.receipt)
	// The executor drafts the reply; the head routes, extends and approves. Each step checks its role here
	// and the domain checks the rest (the lead department answers; steps follow the appeal's status).
	staff.Post("/appeals/:id<int>/reply", web.AcceptUploads, web.RequireRole(identity.RoleExecutor), h.submitReply)
	// The registration card's own steps, before the head's: registrars take them too.
	desk := web.RequireRole(identity.RoleRegistrar, identity.RoleHead)
	staff.Post("/appeals/:id<int>/sign", desk, h.correctSign)
	staff.Post("/appeals/:id<int>/anonymous", desk, h.leaveAnonymous)
	staff.Post("/appeals/:id<int>/settlement", registerers, h.setAppealSettlement) // before the head's steps below
	staff.Post("/appeals/:id<int>/:action", web.RequireRole(identity.RoleHead), h.routeAppeal)

	// "До відправлення": the office prints, posts and marks the letters that do not go by e-mail.
	dispatchers := web.RequireRole(identity.RoleRegistrar, identity.RoleAdmin)
	staff.Get("/dispatch", dispatchers, h.dispatch)
	staff.Get("/dispatch/letters.pdf", dispatchers, h.dispatchLetters)
	staff.Get("/dispatch/labels.pdf", dispatchers, h.dispatchLabels)
	staff.Post("/dispatch", dispatchers, h.markDispatched)
	// The outgoing register (вихідна кореспонденція), read by whoever answers for the office's letters.
	outgoing := web.RequireRole(identity.RoleRegistrar, identity.RoleHead, identity.RoleAnalyst, identity.RoleAdmin)
	staff.Get("/outgoing", outgoing, h.outgoing)
	staff.Get("/outgoing.:format", outgoing, h.outgoingExport) // csv, xlsx of the same filter

	h.receptionRoutes(staff) // personal reception: reception.go

	reports := web.RequireRole(identity.RoleAnalyst, identity.RoleAdmin)
	staff.Get("/report", reports, h.report)
	staff.Get("/report.:format", reports, h.reportDownload) // docx, xlsx, csv, pdf of the same period
	staff.Post("/report/texts", reports, h.saveReportTexts) // the document's typed parts for the period

	departments := staff.Group("/departments", web.RequireRole(identity.RoleAdmin))
	departments.Get("/", h.departments)
	departments.Post("/", h.createDepartment)
	departments.Post("/:id<int>/active", h.setDepartmentActive)

	settlements := staff.Group("/settlements", web.RequireRole(identity.RoleAdmin))
	settlements.Get("/", h.settlements)
	settlements.Post("/", h.createSettlement)
	settlements.Get("/:id<int>", h.editSettlement)
	settlements.Post("/:id<int>", h.updateSettlement)
	settlements.Post("/:id<int>/active", h.setSettlementActive)

	// The public services of Open311 (open311.go): what a city app may report under.
	services := staff.Group("/open311", web.RequireRole(identity.RoleAdmin))
	services.Get("/", h.open311Services)
	services.Post("/", h.createOpen311Service)
	services.Get("/:id<int>", h.editOpen311Service)
	services.Post("/:id<int>", h.updateOpen311Service)
	services.Post("/:id<int>/active", h.setOpen311ServiceActive)

	admins := staff.Group("", web.RequireRole(identity.RoleAdmin))
	admins.Get("/mail", h.failedMail)
	admins.Post("/mail/:id<int>/retry", h.retryMail)
	admins.Get("/audit", h.auditLog) // read only: nothing changes or removes a log line
	admins.Get("/staff", h.staffPage)
	admins.Post("/staff", h.grantStaffRole)
	admins.Post("/staff/:id<int>/revoke", h.revokeStaffRole)
	admins.Post("/staff/:id<int>/department", h.setStaffDepartment)
	// Tokens of the machine API (tokens.go): issued to a source, shown once, revoked at once.
	admins.Get("/tokens", h.tokens)
	admins.Post("/tokens", h.createToken)
	admins.Post("/tokens/:id<int>/revoke", h.revokeToken)
}
