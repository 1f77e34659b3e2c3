package app

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"safetynet/internal/apperr"
	"safetynet/internal/funds"
	"safetynet/internal/money"
)

const fundsUse = `funds budget --year Y --programme P --level central|provincial|prefecture|county --region CODE --amount YUAN --doc DOC [--desc D]
funds allocate --year Y --programme P --from CODE --to CODE --amount YUAN --doc DOC [--note N]
funds balances --year Y [--region CODE] [--programme P]
funds score --year Y FILE.csv           (county,score[,caseload[,note]])
funds incentive compute|commit --year Y [--doc DOC] [--pool-share 0.1] [--work-share 0.1] [--as-of DATE] [--xlsx FILE]
(every one takes --db DSN)`

// runFunds runs `safetynet funds …`: budgets, allocations, balances and
// the incentive pool from the command line, acting for the province.
func runFunds(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return usagef(fundsUse)
	}
	sub := args[0]
	rest := args[1:]
	if sub == "incentive" {
		if len(rest) == 0 || (rest[0] != "compute" && rest[0] != "commit") {
			return usagef(fundsUse)
		}
		sub, rest = "incentive "+rest[0], rest[1:]
	}
	fs := newFlags("funds "+sub, env)
	dsn := dbFlag(fs, env)
	year := fs.Int("year", 0, "budget year")
	prog := fs.String("programme", "dibao", "programme")
	level := fs.String("level", "", "level of the budget")
	regionF := fs.String("region", "", "division code")
	from := fs.String("from", "", "allocating division")
	to := fs.String("to", "", "receiving division")
	amount := fs.String("amount", "", "amount in yuan")
	doc := fs.String("doc", "", "document number")
	desc := fs.String("desc", "", "description of the source")
	note := fs.String("note", "", "note")
	poolShare := fs.String("pool-share", "", "share of the provincial dibao budget")
	workShare := fs.String("work-share", "", "share of the pool as work funds")
	asOf := fs.String("as-of", "", "caseload day YYYY-MM-DD")
	xlsx := fs.String("xlsx", "", "write the pool to this Excel file")
	pos, err := parse(fs, rest)
	if err != nil {
		return err
	}
	if *year == 0 {
		return usagef("funds %s: --year is required\n\n%s", sub, fundsUse)
	}
	var amt money.Money
	if sub == "budget" || sub == "allocate" {
		if amt, err = money.Parse(*amount); err != nil {
			return apperr.Field("amount", "金额格式有误（元，最多两位小数）", "--amount is not an amount of yuan")
		}
	}
	var in *os.File
	if sub == "score" {
		if len(pos) != 1 {
			return usagef(fundsUse)
		}
		if in, err = os.Open(pos[0]); err != nil {
			return usagef("cannot open %s: %v", pos[0], err)
		}
		defer in.Close()
	}
	a, err := openApp(ctx, *dsn, env)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	switch sub {
	case "budget":
		b, err := a.Funds.AddBudget(ctx, cli(), funds.NewBudget{Year: *year, Programme: *prog, Level: *level, Region: *regionF,
			Amount: amt, DocNo: *doc, Description: *desc})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已录入预算 budget %d: %s %s %s %s 元\n", b.ID, b.Region, b.Programme, b.Level, b.Amount)
	case "allocate":
		x, err := a.Funds.Allocate(ctx, cli(), funds.NewAllocation{Year: *year, Programme: *prog, From: *from, To: *to,
			Amount: amt, DocNo: *doc, Note: *note})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已下拨 allocation %d: %s → %s %s %s 元\n", x.ID, x.From, x.To, x.Programme, x.Amount)
	case "balances":
		q := funds.Query{Year: *year, Region: *regionF}
		if isSet(fs, "programme") {
			q.Programme = *prog
		}
		accs, err := a.Funds.Balances(ctx, cli(), q)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "REGION\tPROGRAMME\tBUDGETED\tIN\tOUT\tSPENT\tBALANCE\tPER MONTH\tPROJECTED\tMONTHS LEFT\t")
		for _, x := range accs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", x.Region, x.Programme, x.Budgeted, x.In, x.Out, x.Spent,
				x.Balance(), x.Rate, x.Projected, x.MonthsLeftString())
		}
		return tw.Flush()
	case "score":
		n, err := a.Funds.ImportScores(ctx, cli(), *year, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "已导入 %d 个县的绩效评分 imported %d scores\n", n, n)
	case "incentive compute", "incentive commit":
		var p funds.PoolParams
		for _, s := range []struct {
			v     string
			dst   *money.Ratio
			field string
		}{{*poolShare, &p.PoolShare, "pool-share"}, {*workShare, &p.WorkShare, "work-share"}} {
			if s.v == "" {
				continue
			}
			r, err := money.ParseRatio(s.v)
			if err != nil {
				return apperr.Field(s.field, "比例格式有误，如 0.1 或 10%", "a share is a decimal such as 0.1 or 10%")
			}
			*s.dst = r
		}
		p.AsOf = *asOf
		var pool funds.Pool
		if sub == "incentive commit" {
			pool, err = a.Funds.CommitIncentive(ctx, cli(), *year, p, *doc)
		} else {
			pool, err = a.Funds.ComputeIncentive(ctx, cli(), *year, p)
		}
		if err != nil {
			return err
		}
		printPool(env, pool)
		if *xlsx != "" {
			f, err := os.Create(*xlsx)
			if err != nil {
				return err
			}
			if err := funds.WritePoolXLSX(f, pool); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}
	default:
		return usagef(fundsUse)
	}
	return nil
}

func printPool(env Env, p funds.Pool) {
	state := "试算 preview"
	if p.ID != 0 {
		state = "已分配 committed"
	}
	fmt.Fprintf(env.Stdout, "%d 以奖代补 (%s): base %s × %s = pool %s; work funds %s; awards %s; caseload as of %s\n",
		p.Year, state, p.Base, p.Params.PoolShare, p.Total, p.WorkFunds, p.Awards, p.Params.AsOf)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "COUNTY\tSCORE\tGRADE\tFACTOR\tCASELOAD\tWEIGHT\tAWARD\tWORK FUNDS\tTOTAL\t")
	for _, r := range p.Rows {
		if r.Total() == 0 && r.Score < 0 {
			continue
		}
		score := "-"
		if r.Score >= 0 {
			score = funds.FormatScore(r.Score)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d%%\t%d\t%d\t%s\t%s\t%s\t\n", r.County[:6], score, r.Grade, r.Factor, r.Caseload, r.Weight,
			r.Award, r.WorkFunds, r.Total())
	}
	tw.Flush()
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
