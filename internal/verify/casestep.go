package verify

import (
	"context"
	"fmt"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
)

// TakeStep takes step a of case id (read at version), sending the two
// verification steps through the centre so that every case's
// verification is in the centre's queue and its result comes from a
// report:
//
//   - request_verification is RequestForCase: the step and the centre's
//     request in one transaction, refused (step not taken) while an adult
//     member has no authorization on file. When every source answers at
//     once the platform records the result too.
//   - record_verification by hand is refused for a case the centre
//     handles: the centre records the result itself when it completes the
//     request, by the platform at once or by the verifier after the paper
//     replies (Complete, the manual path). A hand-recorded result stays
//     possible only for a case with no centre request at all, one that
//     entered verification before the centre was in use, so such a case
//     is not stuck.
//
// Every other step goes to casework as it is. The request is returned
// when the step opened one.
func (s *Centre) TakeStep(ctx context.Context, by access.Principal, id int64, version int, a casework.Action, in casework.StepInput) (casework.View, *Request, error) {
	switch a {
	case casework.ActionRequestVerify:
		out, err := s.RequestForCase(ctx, by, id, version, in.Note)
		if err != nil {
			return casework.View{}, nil, err
		}
		if out.Case == nil {
			v, err := s.Cases.Get(ctx, by, id)
			return v, &out.Request, err
		}
		return *out.Case, &out.Request, nil
	case casework.ActionRecordVerification:
		var v casework.View
		err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
			c, err := s.Cases.Get(ctx, by, id)
			if err != nil {
				return err
			}
			req, ok, err := s.CaseRequest(ctx, by, c)
			if err != nil {
				return err
			}
			if ok {
				return errCentreRecords(req)
			}
			v, err = s.Cases.Act(ctx, by, id, version, a, in)
			return err
		})
		return v, nil, err
	}
	v, err := s.Cases.Act(ctx, by, id, version, a, in)
	return v, nil, err
}

// CaseRequest returns the newest centre request of case v; ok is false
// when the case has none.
func (s *Centre) CaseRequest(ctx context.Context, by access.Principal, v casework.View) (Request, bool, error) {
	rs, err := s.RequestsOf(ctx, by, v.Case.Household.ID)
	if err != nil {
		return Request{}, false, err
	}
	for _, r := range rs { // newest first
		if r.CaseID == v.Case.ID {
			return r, true, nil
		}
	}
	return Request{}, false, nil
}

// errCentreRecords refuses a hand-recorded result for a case whose
// verification the centre handles.
func errCentreRecords(r Request) error {
	return apperr.New(apperr.Conflict,
		fmt.Sprintf("该案件的信息核对由核对中心办理（核对请求 #%d），核对结果随核对报告记录，不能手工录入", r.ID),
		fmt.Sprintf("the verification centre handles this case's verification (request #%d): the result is recorded with its report, not by hand", r.ID)).
		WithField("action")
}
