package verify

import (
	"context"
	"strconv"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
)

// StoredReport is a verification report as the centre keeps it: the
// report, the request it answers, and who produced it when.
type StoredReport struct {
	Report
	RequestID int64
	Note      string // the centre's note (what a manual check found)
	CreatedBy string
	CreatedAt time.Time
	// HeadName is the household head's name, filled when read.
	HeadName string
}

// Number is the report number printed on it.
func (r *StoredReport) Number() string { return "HD" + strconv.FormatInt(r.ID, 10) }

var errReportNotFound = apperr.New(apperr.NotFound, "未找到该核对报告", "verification report not found")

// Report returns a report within by's jurisdiction and writes the view to
// the audit log (format says how it was viewed: "json", "html", "pdf").
// Resident IDs are masked for roles that may not see them whole.
//
// Errors: Unauthorized; Forbidden without access.VerifyReport; NotFound for
// a report unknown or outside the jurisdiction.
func (s *Centre) Report(ctx context.Context, by access.Principal, id int64, format string) (StoredReport, error) {
	if err := require(by, access.VerifyReport); err != nil {
		return StoredReport{}, err
	}
	var out StoredReport
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Store.Report(ctx, id)
		if apperr.Is(err, apperr.NotFound) || (err == nil && !by.Covers(r.Village)) {
			return errReportNotFound
		}
		if err != nil {
			return err
		}
		if h, err := s.Households.Household(ctx, r.HouseholdID); err == nil {
			if head, ok := h.Head(); ok {
				r.HeadName = head.Name
			}
		}
		out = r
		return s.record(ctx, by, "verify.report.view", "verification_report", r.ID, r.Village, nil,
			map[string]any{"format": format, "verdict": r.Verdict, "household_id": r.HouseholdID})
	})
	if err != nil {
		return StoredReport{}, err
	}
	if !by.Can(access.SeeFullID) {
		maskReport(&out.Report)
	}
	return out, nil
}

func maskReport(r *Report) {
	for i := range r.Members {
		m := &r.Members[i]
		m.IDNumber = maskID(m.IDNumber)
		for j := range m.Findings {
			m.Findings[j].IDNumber = maskID(m.Findings[j].IDNumber)
		}
	}
	for i := range r.Reasons {
		r.Reasons[i].IDNumber = maskID(r.Reasons[i].IDNumber)
	}
}
