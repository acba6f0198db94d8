/* tracker.c — the technology tracker (MODEL.md section 5, first bullet).
 *
 * At the end of each calendar year: every country's share of the world's
 * high-impact papers in each technology over a rolling window of
 * `window_years` (fewer in the first years of a run); the leading country
 * and the runner-up among countries that are `ranked` (aggregate blocs such
 * as "rest of world" are reported but not ranked); the leader's ratio to the
 * runner-up; the ten institutions with most high-impact papers over the
 * window and how many belong to each country; and a monopoly-risk level:
 *   high    if lead ratio >= high_ratio   and the leader has >= high_top10 of the top 10,
 *   medium  if lead ratio >= medium_ratio and the leader has >= medium_top10,
 *   low     otherwise
 * (the traffic-light rule of ASPI's Critical Technology Tracker, with its
 * thresholds as scenario parameters). */
#include <math.h>
#include <string.h>

#include "model/metrics/metrics.h"

static void roll(double *ring, double *window, const double *now, size_t n, int pos)
{
    double *slot = ring + (size_t)pos * n;
    for (size_t j = 0; j < n; j++) {
        window[j] += now[j] - slot[j];
        if (window[j] < 0) /* rounding residue of the running sum */
            window[j] = 0;
        slot[j] = now[j];
    }
}

int tracker_year(tr_metrics *met, const sim_ctx *run, const tr_research *res, tr_arena *scratch)
{
    const tr_scenario *s = run->s;
    const tr_params_tracker *P = &s->params.tracker;
    const int nc = run->nc, nk = run->nk, ni = res->ni;

    /* Annual counts into the rings (the year's values are in cty[].hi_papers
     * and inst_hi_year). The ring slot being overwritten is the year that
     * falls out of the window. */
    double *now = tr_arena_calloc(scratch, (size_t)(nc * nk), sizeof(double)); /* this year's counts */
    if (!now)
        return TR_ERR_NOMEM;
    for (int j = 0; j < nc * nk; j++)
        now[j] = met->cty[j].hi_papers;
    roll(met->ct_hi_ring, met->ct_hi_window, now, (size_t)(nc * nk), met->ring_pos);
    roll(met->inst_hi_ring, met->inst_hi_window, res->inst_hi_year, (size_t)ni * (size_t)nk, met->ring_pos);
    met->ring_pos = (met->ring_pos + 1) % met->W;

    for (int c = 0; c < nc; c++)
        met->cy[c].techs_led = 0;
    memset(met->top10_by_country, 0, sizeof(int) * (size_t)(nk * nc));

    for (int k = 0; k < nk; k++) {
        tr_tracker_row *row = &met->trk[k];
        double world = 0;
        for (int c = 0; c < nc; c++)
            world += met->ct_hi_window[c * nk + k];
        int lead = -1, second = -1;
        for (int c = 0; c < nc; c++) {
            double share = world > 0 ? met->ct_hi_window[c * nk + k] / world : 0;
            met->cty[c * nk + k].hi_share = share;
            if (!s->countries[c].ranked || share <= 0)
                continue;
            if (lead < 0 || share > met->cty[lead * nk + k].hi_share) {
                second = lead;
                lead = c;
            } else if (second < 0 || share > met->cty[second * nk + k].hi_share) {
                second = c;
            }
        }
        row->leader = lead;
        row->second = second;
        row->leader_share = lead >= 0 ? met->cty[lead * nk + k].hi_share : 0;
        row->second_share = second >= 0 ? met->cty[second * nk + k].hi_share : 0;
        /* No runner-up: the ratio is undefined (NaN, stored as NULL) and the
         * lead counts as larger than any threshold. */
        row->lead_ratio = row->second_share > 0 ? row->leader_share / row->second_share : NAN;
        const int unrivalled = lead >= 0 && second < 0;

        /* Top 10 institutions: insertion into a sorted list of ten; ties go
         * to the lower index so the order is reproducible. */
        int top[10];
        int n = 0;
        for (int i = 0; i < ni; i++) {
            double v = met->inst_hi_window[(size_t)i * (size_t)nk + (size_t)k];
            if (v <= 0)
                continue;
            if (n == 10 && v <= met->inst_hi_window[(size_t)top[9] * (size_t)nk + (size_t)k])
                continue;
            int p = n < 10 ? n++ : 9;
            while (p > 0 && met->inst_hi_window[(size_t)top[p - 1] * (size_t)nk + (size_t)k] < v) {
                top[p] = top[p - 1];
                p--;
            }
            top[p] = i;
        }
        row->leader_top10 = 0;
        for (int r = 0; r < 10; r++) {
            row->top10[r] = r < n ? top[r] : -1;
            if (r < n) {
                int c = res->inst_country[top[r]];
                met->top10_by_country[k * nc + c]++;
                if (c == lead)
                    row->leader_top10++;
            }
        }
        if (lead >= 0) {
            met->cy[lead].techs_led++;
            if ((unrivalled || row->lead_ratio >= P->high_ratio) && row->leader_top10 >= P->high_top10)
                row->risk = TR_RISK_HIGH;
            else if ((unrivalled || row->lead_ratio >= P->medium_ratio) && row->leader_top10 >= P->medium_top10)
                row->risk = TR_RISK_MEDIUM;
            else
                row->risk = TR_RISK_LOW;
        } else {
            row->risk = TR_RISK_LOW;
        }
    }
    return TR_OK;
}
