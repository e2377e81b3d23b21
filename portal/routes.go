// Package portal is the public site: sign-in, the citizen's e-appeals and "My appeals". The whole route
// table is here; handlers live in one file per resource.
package portal

import (
	"embed"
	"net/url"
	"strconv"

	"io/fs"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/statistics"
	"github.com/hromada/hromada/internal/web"
)

//go:embed views/*.html
var views embed.FS

// Views are the portal's templates, named "portal/<file>".
func Views() fs.FS { return web.ViewsOf(views) }

// Deps is what the portal's handlers use.
type Deps struct {
	Config     *config.Config
	Log        *slog.Logger
	RP         *identity.RelyingParty
	People     *identity.Service
	Registry   *registry.Service
	Classifier *classifier.Classifier
	Notify     *notify.Service
	Petitions  *petition.Service
	Reports    *report.Service // the published statistics are the report's figures
	// Reception is personal reception's schedule and bookings; Settlements names visiting receptions' places.
	Reception   *reception.Service
	Settlements *settlement.Service
}

type handlers struct {
	Deps
	web   *web.Server
	Stats *statistics.Service
}

// Register adds the portal's routes to the app.
func Register(s *web.Server, d Deps) {
	h := &handlers{Deps: d, web: s, Stats: statistics.NewService(d.Reports, statsRule(s))}
	app := s.App

	app.Get("/", h.home)
	app.Get("/lang/:code", h.switchLanguage)

	// Starting a sign-in writes a session row (state, nonce, verifier): limited per address like every
	// other write a visitor can repeat.
	app.Get("/auth/login", s.RateLimit(byIP("login", d.Config.Limits.LoginIP)), h.signIn)
	app.Get("/auth/callback", h.signInCallback)
	app.Post("/auth/logout", h.signOut)

	appeals := app.Group("/appeals", web.RequireSignIn)
	appeals.Get("/", h.myAppeals)
	appeals.Get("/new", h.newAppeal)
	appeals.Post("/", web.AcceptUploads, h.createAppeal) // forms with files: see web/bodies.go; keeps a draft
	appeals.Get("/check", h.checkAnswers)                // "check your answers" of the draft
	appeals.Post("/send", h.sendAppeal)                  // registers the draft
	appeals.Get("/:id<int>", h.showAppeal)
	appeals.Get("/:id<int>/registered", h.appealRegistered) // the confirmation
	appeals.Get("/:id<int>/attachments/:file<int>", h.appealAttachment)
	appeals.Get("/:id<int>/letters/:letter<int>.pdf", h.appealLetter)
	appeals.Post("/:id<int>/rating", h.rateAnswer)

	// Where an appeal stands, by its index and the author's surname, without an account.
	app.Get("/status", h.statusPage)

	app.Get("/petitions", h.petitions)
	app.Get("/petitions.csv", h.petitionsCSV)
	app.Get("/petitions/new", web.RequireSignIn, h.newPetition)
	app.Post("/petitions", web.AcceptUploads, web.RequireSignIn, s.RateLimit(byAccount("create", d.Config.Limits.Create),
		byIP("create", d.Config.Limits.CreateIP)), h.createPetition)
	app.Get("/petitions/:id<int>", h.showPetition)
	app.Get("/petitions/:id<int>/files/:which<regex(^(petition|answer)$)>", h.petitionFile)
	// Signing counts its limits itself, in the round trip of the signature (signPetition).
	app.Post("/petitions/:id<int>/sign", web.RequireSignIn, h.signPetition)
	app.Get("/api/v1/petitions", h.apiPetitions)
	app.Get("/api/v1/petitions/:id<int>", h.apiPetition)
	h.receptionRoutes(s) // personal reception: reception.go

	// Published statistics: the page and the open data (JSON, CSV). The machine API's appeals are under
	// /api/v1/appeals (api/), so these public addresses do not meet it.
	app.Get("/statistics", h.statistics)
	app.Get("/api/v1/statistics", h.apiStatistics)
	app.Get("/api/v1/statistics.csv", h.apiStatisticsCSV)

	account := app.Group("/account", web.RequireSignIn)
	account.Get("/petitions", h.myPetitions)
	account.Get("/notices", h.noticeChoices)
	account.Post("/notices", h.saveNoticeChoices)
	account.Post("/sessions/end", h.signOutEverywhere) // the button is on the notices page

	app.Get("/notices/unsubscribe", web.KeepSession, h.unsubscribeForm)
	app.Post("/notices/unsubscribe", h.unsubscribe)
}

func byAccount(action string, l config.Limit) web.Limit {
	return web.Limit{N: l.N, Window: l.Window, Key: func(c *fiber.Ctx) string {
		return action + ":person:" + strconv.FormatInt(web.PersonOf(c).ID, 10)
	}}
}

func byIP(action string, l config.Limit) web.Limit {
	return web.Limit{N: l.N, Window: l.Window, Key: func(c *fiber.Ctx) string { return action + ":ip:" + c.IP() }}
}

func urlEscape(s string) string { return url.QueryEscape(s) }
