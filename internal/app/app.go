// Package app wires SafetyNet together: it opens the database, builds the
// domain services over their stores and the web server over the services,
// and runs the command line. cmd/safetynet only calls Run.
package app

import (
	"context"
	"log/slog"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/audit"
	"safetynet/internal/casework"
	"safetynet/internal/funds"
	"safetynet/internal/payroll"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/verify"
	"safetynet/internal/web"
)

// Version is set at build time with -ldflags "-X safetynet/internal/app.Version=…".
var Version = "dev"

// App is the assembled application over one database.
type App struct {
	DB        *sqlstore.DB
	Audit     *audit.Log
	Access    *access.Service
	Divisions *registry.DivisionService
	Registry  *registry.Service
	// Policy is the policy dataset as it stood when the app was built; use
	// PolicyService.Dataset() for the one in force now, which includes
	// versions published since.
	Policy        *policy.Dataset
	PolicyService *policy.Service
	Calendar      *policy.CalendarService
	// Casework is intake and the case workflow; its Now is the clock of
	// every case step (tests pin it).
	Casework *casework.Service
	// Funds is the funds ledger: budgets, allocations, spending, the
	// incentive pool.
	Funds *funds.Service
	// Verify is verification's data and engine: dataset imports, the
	// single-household check and batch re-verification.
	Verify *verify.Service
	// VerifyCentre is the verification centre's casework: authorizations,
	// connections, requests, paper replies and reports; Verify is its
	// online comparison.
	VerifyCentre *verify.Centre
	// Batches runs batch re-verifications as the server's background
	// jobs; Close stops them (their runs resume after a restart).
	Batches *verify.Batches
	// Payroll is the monthly payroll; its Ledger (the funds ledger) is
	// wired where the funds service exists.
	Payroll *payroll.Service
	Log     *slog.Logger
}

// Options tune Build; the zero value is production.
type Options struct {
	Hash access.Argon2Params // password hashing cost; zero means the default
	Now  func() time.Time
	Log  *slog.Logger
}

// Build assembles the services over db, which must be set up (migrated
// and seeded): the divisions are loaded into memory here.
func Build(ctx context.Context, db *sqlstore.DB, opt Options) (*App, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	a := &App{DB: db, Log: opt.Log}
	a.Audit = &audit.Log{Store: db.Audit(), Tx: db, Now: opt.Now}
	a.Divisions = &registry.DivisionService{Store: db.Regions(), Tx: db, Audit: a.Audit}
	if err := a.Divisions.Load(ctx); err != nil {
		return nil, err
	}
	a.Access = &access.Service{Store: db.Access(), Tx: db, Audit: a.Audit, Regions: a.Divisions, Hash: opt.Hash, Now: opt.Now}
	a.Registry = &registry.Service{Store: db.Registry(), Tx: db, Audit: a.Audit, Divisions: a.Divisions, Now: opt.Now}
	a.PolicyService = &policy.Service{Store: db.Policy(), Tx: db, Audit: a.Audit, Divisions: a.Divisions, Now: opt.Now}
	if err := a.PolicyService.Load(ctx); err != nil {
		return nil, err
	}
	a.Policy = a.PolicyService.Dataset()
	a.Calendar = &policy.CalendarService{Store: db.Policy(), Tx: db, Audit: a.Audit, Now: opt.Now}
	if err := a.Calendar.Load(ctx); err != nil {
		return nil, err
	}
	a.Casework = &casework.Service{Store: db.Casework(), Households: db.Registry(), Registry: a.Registry,
		Policy: a.PolicyService, Calendar: a.Calendar, Tx: db, Audit: a.Audit, Now: opt.Now}
	a.Funds = &funds.Service{Store: db.Funds(), Tx: db, Audit: a.Audit, Divisions: a.Divisions, Now: opt.Now}
	a.Verify = &verify.Service{Store: db.Verify(), Policy: a.PolicyService, Audit: a.Audit, Tx: db, Now: opt.Now}
	a.VerifyCentre = &verify.Centre{Store: db.VerifyCase(), Households: db.Registry(), Checker: a.Verify,
		Policy: a.PolicyService, Cases: a.Casework, Tx: db, Audit: a.Audit, Now: opt.Now}
	a.Batches = &verify.Batches{Service: a.Verify, Store: db.Verify(), Log: opt.Log, MemoryLimit: batchMemoryLimit}
	a.Payroll = &payroll.Service{Store: db.Payroll(), Tx: db, Audit: a.Audit, Policy: a.PolicyService,
		Divisions: a.Divisions, Now: opt.Now}
	a.Payroll.Ledger = payrollLedger{a.Funds}
	if path := db.FilePath(); path != "" {
		// Beside an SQLite database, the column files of its snapshots.
		a.Verify.ColumnDir = path + ".snapshots"
	}
	return a, nil
}

// Server returns the web server over a.
func (a *App) Server() (*web.Server, error) {
	return web.New(web.Services{Access: a.Access, Registry: a.Registry, Divisions: a.Divisions, Audit: a.Audit,
		Policy: a.PolicyService, Calendar: a.Calendar, DB: a.DB, Version: Version, Casework: a.Casework,
		Funds: a.Funds, Verify: a.VerifyCentre, Batches: a.Batches,
		Payroll: a.Payroll, Datasets: a.Verify}, a.Log)
}
