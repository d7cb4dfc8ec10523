// Package classify suggests categories and undertaking units from a
// committee's own history.
//
// The category model is multinomial logistic regression with L2, trained
// in pure Go on TF-IDF features of segmented text: words (title words
// counted twice) and character 1–3-grams. Training is deterministic. Its
// probabilities are calibrated with a temperature fitted on a held-out
// split, where the threshold for "uncertain" is also chosen, so that
// suggestions above it are right at least 95% of the time there. The words
// that pushed the text towards the suggested label come with it.
//
// Routing combines, per candidate unit, the votes of similar past
// proposals, a per-unit linear model over the text, the category prior
// and the match with the unit's duties; the weights of the combination are
// learnt by least squares (github.com/sajari/regression) over a sample of
// historical proposal–unit pairs.
//
// The filing model (FilingModel, a tian.Filer) is logistic regression on
// the same kind of features plus text shapes (length, numbered measures,
// figures, first-person narrative, court cases, slogans), learnt from the
// proposals filed and not filed; it is calibrated by Platt scaling on the
// latest year, where its thresholds are chosen, and a second model over
// the not-filed proposals names the likely reason, in the office's words.
package classify
