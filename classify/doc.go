// Package classify will hold the category and undertaking-unit models:
// features from segmented text, training, calibrated prediction with
// evidence, evaluation, and saving and loading through io (issue 5).
// Nothing is implemented yet; the folder exists so the layout is visible.
package classify
