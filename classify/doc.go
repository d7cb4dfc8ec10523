// Package classify suggests categories and undertaking units from a
// committee's own history.
//
// The category model averages the calibrated probabilities of two linear
// models trained in pure Go on TF-IDF features of segmented text (words,
// pairs of adjacent words, title words counted twice, and character
// 1–3-grams, each view scaled to the same length): one linear SVM per
// class (squared hinge, solved in the dual by coordinate descent,
// optionally over NB-weighted features) and either complement naive Bayes
// or multinomial logistic regression. Which partner, the smallest document
// frequency of a feature, the SVM's cost and NB weighting are chosen by
// 3-fold cross-validation inside the training documents. Training is
// deterministic. Each member's probabilities are calibrated with a
// temperature fitted on a held-out split, and their average with another;
// there the threshold for "uncertain" is also chosen, so that suggestions
// above it are right at least 95% of the time. The words that pushed the
// text towards the suggested label come with it.
//
// Routing combines, per candidate unit, the votes of similar past
// proposals, a per-unit linear model over the text, word profiles of the
// proposals each unit led and co-handled, category shares and the match
// with the unit's duties: the lead unit by a softmax over the units, each
// co-handler by a logistic regression whose probability is calibrated on
// the last training year (route_fit.go has the fits, by internal/newton).
//
// The filing model (FilingModel, a tian.Filer) is logistic regression on
// the same kind of features plus text shapes (length, numbered measures,
// figures, first-person narrative, court cases, slogans), learnt from the
// proposals filed and not filed; it is calibrated by Platt scaling on the
// latest year, where its thresholds are chosen, and a second model over
// the not-filed proposals names the likely reason, in the office's words.
package classify
