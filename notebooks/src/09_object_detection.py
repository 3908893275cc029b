# %% [metadata]
# {"nnlab": {"main": "nnlab.views.detection_view:box_regression_explorer"}}
# %% [markdown]
# # 09 · Object detection
#
# A classifier says *what* is in an image; a detector also says *where*, with a box around each
# object. This notebook follows the course's R-CNN page (notes 000: region proposals, selective
# search, bounding-box regression, Fast and Faster R-CNN, RoI pooling, non-maximum suppression)
# and its object-detection page (notes 001: Faster R-CNN, SSD, YOLO and YOLO's label files),
# and runs every piece on a small image:
#
# 1. boxes and their formats; the **bounding-box regression** of the notes, with its worked example;
# 2. **IoU** and **non-maximum suppression**;
# 3. **selective search**: the region proposals of R-CNN;
# 4. **RoI pooling** (Fast R-CNN) and **anchors** (Faster R-CNN);
# 5. **YOLO**: the grid, what each cell predicts, and label files;
# 6. two-stage vs one-stage detectors, and labelling detected objects with CLIP.
# %% [markdown]
# ## Setup
# %%
from nnlab.core.environment import environment_report

SEED = 0
print(environment_report(seed=SEED))
# %% [markdown]
# ## 1 · Boxes
# A box is four numbers. Two ways of writing them matter here:
#
# - **corners** `xyxy` = (x1, y1, x2, y2), the format of PyTorch's `torchvision.ops`;
# - **centre and size** `cxcywh` = (x, y, w, h), the way the notes write boxes: in
#   "Δx = (x_gt − x)/w" the x is the *centre* of the box.
#
# Image coordinates: x grows to the right, y grows *downwards*.
# %%
import numpy as np

from nnlab.engine import boxes as B

corners = np.array([[60.0, 90.0, 140.0, 150.0]])
centre = B.xyxy_to_cxcywh(corners)
print("xyxy   ", corners.tolist())
print("cxcywh ", centre.tolist())
print("back   ", B.cxcywh_to_xyxy(centre).tolist())
assert np.allclose(B.cxcywh_to_xyxy(centre), corners)
# %% [markdown]
# ## 2 · Bounding-box regression (notes 000, "Step 4")
# A region proposal is rarely exactly on the object. R-CNN therefore learns four numbers that
# *move* a proposal (x, y, w, h) onto the ground-truth box (x_gt, y_gt, w_gt, h_gt):
#
# $$\Delta x = \frac{x_{gt} - x}{w},\qquad \Delta y = \frac{y_{gt} - y}{h},\qquad
#   \Delta w = \ln\frac{w_{gt}}{w},\qquad \Delta h = \ln\frac{h_{gt}}{h}$$
#
# Dividing the shifts by the proposal's size and taking the log of the size ratios makes the
# targets the same for a small and a large object that are off by the same *proportion*.
# Applying predicted deltas to the proposal inverts them:
#
# $$x_{new} = x + \Delta x\cdot w,\quad y_{new} = y + \Delta y\cdot h,\quad
#   w_{new} = w\cdot e^{\Delta w},\quad h_{new} = h\cdot e^{\Delta h}$$
#
# ### The course's worked example
# Proposal x = 100, y = 120, w = 80, h = 60; ground-truth centre x = 110, y = 130. The notes
# give Δx = .125, Δy = .167, Δw = .051 and Δh = .039 — but never the ground-truth width and
# height. Those follow from the deltas: w_gt = 80·e^0.051 and h_gt = 60·e^0.039.
#
# `B.regression_steps` runs encode and decode on one proposal and keeps every number; the
# lines below are written from them (the explorer further down shows the same numbers).
# %%
from nnlab.course import detection as C

ex9 = C.course_example()
w_gt, h_gt = ex9["implied_gt"][2:]
print(f"implied ground truth: w_gt = 80·e^0.051 = {w_gt:.2f}, h_gt = 60·e^0.039 = {h_gt:.2f}")
for line in B.regression_steps(C.COURSE_PROPOSAL, ex9["implied_gt"]).lines():
    print(line)
# %% [markdown]
# Decoding the **rounded** deltas the notes write (0.125, 0.167, 0.051, 0.039) gives the box
# back up to the rounding: Δy = 0.167 stands for 1/6 = 0.1666…, so y_new = 120 + 0.167·60 =
# 130.02, not 130.
# %%
dec = ex9["decoded_from_rounded"]
print("decoded from the rounded deltas:", [f"{v:.3f}" for v in dec])
assert abs(dec[0] - 110) < 1e-12 and abs(dec[1] - 130.02) < 1e-12
assert [round(v, 3) for v in ex9["deltas_exact"]] == [0.125, 0.167, 0.051, 0.039]
# %% [markdown]
# **Checking the notes.** Every number above agrees with the notes, with these remarks:
#
# - The size line is written "w = w·e^(Δw)": it is **w_new** = w·e^Δw (the new width from
#   the old), and the matching h_new = h·e^Δh is missing.
# - The notes never say whether x, y is the corner or the centre; the R-CNN parametrisation
#   (Girshick et al. 2014) uses the **centre**. With corners the size change would leak into
#   Δx, Δy.
# - With the natural log the implied ground truth is 84.19 × 62.39 px, not whole pixels.
#   A whole-pixel box of 84 × 62 gives Δw = 0.049 and Δh = 0.033. Curiously,
#   **log₁₀**(90/80) = 0.0512 rounds to the notes' .051: the lecturer may have pressed the
#   calculator's `log` (base 10) key with w_gt = 90. The height has no such neat reading
#   (log₁₀ gives h_gt = 65.6), so we keep the natural log, which decoding with e^Δw needs.
# %%
import math

print(f"ln(84/80) = {math.log(84 / 80):.4f}   ln(62/60) = {math.log(62 / 60):.4f}")
print(f"log10(90/80) = {math.log10(90 / 80):.4f}   ln(90/80) = {math.log(90 / 80):.4f}")
# %% [markdown]
# ### The box-regression explorer
# The photograph is matplotlib's sample image; the **green** box is the ground truth of the
# course's example (centre (110, 130), 84.19 × 62.39), the **red dashed** box your proposal.
# Move the sliders and watch, line by line, the four targets, the box decoded back from the
# targets rounded to 3 decimals (blue dotted), and the IoU. Each step below comes with a preset:
# paste it into the explorer's preset box (Reset brings back the notes' example). Every step is
# checked by the tests at its preset.
# %%
C.REGRESSION_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state, which nbval cannot compare
# meaningfully; the next cell prints the numbers it shows.
from nnlab.views.detection_view import box_regression_explorer

reg = box_regression_explorer()
reg
# %%
print(reg.state())
# %% [markdown]
# The same explorer driven from code (a second instance, so the one above keeps what you set):
# centre the proposal on the object. The centre targets vanish, only the size targets remain.
# %%
centred = box_regression_explorer()
centred.apply_preset("x=110; y=130")
s = centred.state()
print(s)
assert s["dx"] == 0 and s["dy"] == 0
centred.close()
# %% [markdown]
# ### Many boxes at once, weights and the clamp
# `B.encode(proposals, ground_truth)` and `B.decode(proposals, deltas)` work on K×4 arrays, in
# corners (`fmt="xyxy"`, the default, as torchvision) or centres (`fmt="cxcywh"`, as the
# notes). They are the equations of torchvision's `BoxCoder`, **but the argument order is the
# notes' (proposal first)**: torchvision writes `BoxCoder.encode(ground_truth, proposals)` and
# `BoxCoder.decode(deltas, proposals)`. Its `weights` (Faster R-CNN uses (10, 10, 5, 5) in its
# second stage) scale the targets so that the four have similar spread for the loss.
#
# Decoding clamps Δw and Δh from above at ln(1000/16) ≈ 4.135 before the exponential, as
# torchvision does: no box should grow more than 62.5 times (1000 px, about the largest image
# side, over 16 px, the stride of the feature map), and without the clamp a wild prediction of an
# untrained network (Δw = 100) overflows e^Δw to infinity.
# %%
rng = np.random.default_rng(SEED)
props = B.cxcywh_to_xyxy(np.hstack([rng.uniform(50, 350, (5, 2)), rng.uniform(20, 120, (5, 2))]))
gts = props + rng.normal(0, 8, (5, 4))
d = B.encode(props, gts)
print("deltas (weights 1):\n", np.round(d, 4))
print("deltas (weights 10, 10, 5, 5):\n", np.round(B.encode(props, gts, weights=(10, 10, 5, 5)), 4))
assert np.allclose(B.decode(props, d), gts)
print(f"clamp = ln(1000/16) = {B.BBOX_XFORM_CLIP:.4f}; decode with Δw = 100 gives width "
      f"{B.decode([[0, 0, 10, 10]], [[0, 0, 100, 0]], fmt='cxcywh')[0, 2]:.1f} = 10·62.5")
# %% [markdown]
# ## 3 · IoU and non-maximum suppression
# **Intersection over union** measures how well two boxes agree: the area they share divided
# by the area they cover together (1 = identical, 0 = disjoint). A detector fires many
# overlapping boxes on each object; **non-maximum suppression** (NMS) keeps the
# highest-scoring box, removes every other box whose IoU with it is *above* a threshold, and
# repeats with the next best remaining box. `B.box_iou` and `B.nms` follow `torchvision.ops`
# (kept indices come back by decreasing score).
# %%
print("IoU([0,0,4,4], [2,2,6,6]) =", f"{B.iou([0, 0, 4, 4], [2, 2, 6, 6]):.4f}", "= 4/28")
# %% [markdown]
# `B.nms(..., return_steps=True)` runs the same sweep and also returns what each step did: the
# box kept, the IoU of every box still in play with it, and which of them it removed. Three
# boxes, two of them almost the same:
# %%
r = B.nms([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], [0.9, 0.8, 0.7], 0.5,
          return_steps=True)
for line in r.lines():
    print(line)
print("kept:", r.keep.tolist())
# %% [markdown]
# In the explorer below, detections cluster around three objects of a synthetic scene, plus a
# few weak false alarms. Move the **IoU threshold**: at 0 any overlap suppresses (two objects
# that overlapped each other would lose one of them), at 1 nothing is suppressed (every
# duplicate stays). Orange = kept, dashed white = suppressed; the table lists kept boxes by
# decreasing score.
# %%
C.NMS_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints the
# numbers it shows.
from nnlab.views.detection_view import nms_explorer

nmsx = nms_explorer()
nmsx
# %%
print(nmsx.state())
# %% [markdown]
# A sweep of the threshold on a second instance (the explorer above keeps your setting):
# %%
sweep = nms_explorer()
for t in (0.0, 0.3, 0.5, 0.7, 1.0):
    sweep.controls["iou_threshold"].value = t
    print(f"threshold {t:.1f}: kept {sweep.state()['kept']:2d} of {sweep.state()['boxes']}")
assert sweep.state()["kept"] == sweep.state()["boxes"]  # at 1.0 no IoU can exceed the threshold
sweep.close()
# %% [markdown]
# ## 4 · Region proposals: selective search (R-CNN's step 1)
# R-CNN does not slide a window over every position and size; it asks **selective search**
# (Uijlings et al. 2013) for about 2,000 candidate regions. Selective search
#
# 1. over-segments the image into small regions ("superpixel segmentation" in the notes). Here:
#    Felzenszwalb and Huttenlocher's graph method — pixels are nodes, neighbours are joined by
#    an edge of weight |I_i − I_j| (the colour distance), and two regions merge when the edge
#    between them is no heavier than the edges inside them (plus a bonus k/|C| for small regions);
# 2. repeatedly merges the two **most similar neighbouring** regions,
#    S = w1·S_colour + w2·S_texture + w3·S_size + w4·S_fill, where S_colour and S_texture
#    are the overlaps of colour and gradient histograms, S_size favours merging small regions
#    first, S_fill favours regions that fit together into a compact box;
# 3. returns the bounding box of **every region ever formed**: small parts and whole objects.
#
# **Notes check.** The notes write the edge weight as √|I_i − I_j|: the graph method uses
# |I_i − I_j| itself (for colour, the Euclidean distance √(Σ_c (I_i,c − I_j,c)²) — the square
# root belongs around the sum of squares). They define "R = pixel value": R_i, R_j are
# *regions*. And their S lists colour, texture and size but the list above it also names
# **fill**, the fourth term of Uijlings et al.
# %%
from nnlab.engine import detection as D

scene = D.synthetic_scene(2, size=80, n_objects=4)
ss = D.SelectiveSearch(scene.image, k=150.0, sigma=0.8, min_size=15)
res = ss.run((1, 1, 1, 1))
print(f"{res.n_initial} initial regions, {len(res.merges)} merges, {len(res.proposals)} proposals")
print("ground-truth boxes:", scene.boxes.astype(int).tolist())
for w in [(1, 1, 1, 1), (1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1)]:
    best, recall = D.proposal_recall(ss.run(w).proposals, scene.boxes)
    print(f"weights {w}: best IoU per object {np.round(best, 2).tolist()}, recall@0.5 {recall:.2f}")
# %% [markdown]
# Each object here is two-coloured, so the over-segmentation splits it and only merging finds
# its whole box. Any single measure misses the exact box of some objects: with colour alone the
# best box for two of the four objects has IoU of only about 0.6 (the two halves are not joined
# before other merges swallow them). The combination of all four measures proposes every object
# exactly (best IoU 1.0) — combining them is also what Uijlings et al. recommend. Try the weights
# below: left, the best proposal for each object (orange) against the ground truth (green);
# right, the initial regions and the boxes of all merged regions.
# %%
C.SEARCH_CLAIMS
# %%
# NBVAL_IGNORE_OUTPUT
# Why: a widget's text form lists its model state; the next cell prints the
# numbers it shows.
from nnlab.views.detection_view import selective_search_explorer

ssx = selective_search_explorer()
ssx
# %%
print(ssx.state())
assert ssx.state()["recall@0.5"] == 1.0
# %% [markdown]
# R-CNN then **warps** each proposal to the fixed input size of the CNN (227 × 227 for its
# AlexNet; the notes' example input is 32 × 32 × 3), extracts features with a pre-trained
# network (transfer learning), classifies them (class-specific SVMs in the paper) and refines
# the box with the regression of section 2. About 2,000 CNN passes per image: slow.
#
# ## 5 · Fast R-CNN: RoI pooling
# Fast R-CNN runs the CNN **once** on the whole image and cuts each proposal out of the
# *feature map*. Proposals have different sizes, the classifier needs a fixed size: **RoI max
# pooling** divides the proposal's part of the feature map into a fixed grid (7 × 7 for VGG-16)
# and keeps the maximum of each bin. The box is scaled by 1/stride and rounded to feature-map
# cells; bin k covers cells ⌊k·h/7⌋ … ⌈(k+1)·h/7⌉ of the region, so bins may overlap by a cell
# when the size does not divide.
#
# A worked example, small enough to check by eye: a 5 × 5 region pooled to 2 × 2. Each bin
# spans 2.5 cells, so the bins are rows/columns 0–2 and 2–4 (row and column 2 are shared).
# `D.roi_pool(..., return_steps=True)` returns every bin with its cells and where its maximum
# was; the lines and the figure are written from those.
# %%
from nnlab.views.detection_view import roi_pool_figure

fmap = np.arange(25.0).reshape(5, 5)
print(fmap)
roi = D.roi_pool(fmap, [0, 0, 4, 4], output_size=2, return_steps=True)
for line in roi.lines():
    print(line)
pooled = roi.pooled
print("pooled:\n", pooled)
assert pooled.tolist() == [[12.0, 14.0], [22.0, 24.0]]
roi_pool_figure(fmap, [0, 0, 4, 4], (2, 2))
# %%
rng = np.random.default_rng(SEED)
features = rng.normal(size=(256, 38, 50))                     # C×H×W, stride 16 on 608×800
rois = [[0, 0, 223, 223], [100, 200, 420, 330], [500, 40, 560, 600]]
for r in rois:
    out = D.roi_pool(features, r, spatial_scale=1 / 16)
    print(f"RoI {r} → {out.shape}")                         # always 256×7×7
# %% [markdown]
# ## 6 · Faster R-CNN: anchors and the region proposal network
# Faster R-CNN replaces selective search by a small network on the feature map, the **RPN**.
# At every feature-map location it considers **9 anchors**: 3 scales × 3 aspect ratios
# (128², 256², 512² pixels; height/width 0.5, 1, 2), centred on that location (one location
# every *stride* = 16 pixels). For each anchor it predicts an objectness score and the four
# deltas of section 2. For training, anchors are matched to ground truth by IoU: **positive**
# when IoU ≥ 0.7 (and, for each object, its best anchor), **negative** when IoU < 0.3, ignored
# in between; positives get the regression targets encode(anchor, ground truth), towards the box
# each anchor overlaps most. An anchor made positive only as some object's best anchor keeps
# that rule too: if it overlaps another object more, its targets point at that other object
# (torchvision's `Matcher` with `allow_low_quality_matches=True` does the same).
#
# Below, a 128 × 128 scene with a stride of 16 (an 8 × 8 feature map) and scales 16, 32, 64
# scaled down to the small image.
# %%
from nnlab.views.detection_view import anchors_figure

base = D.base_anchors()
print("the 9 base anchors (w × h):", [f"{x2 - x1:.0f}×{y2 - y1:.0f}" for x1, y1, x2, y2 in base])
print(f"a 38×50 feature map (a 600×800 image at stride 16) has {len(D.anchor_grid(38, 50, 16))} anchors")
anchors_figure()
# %%
scene128 = D.synthetic_scene(0, size=128, n_objects=3)
grid = D.anchor_grid(8, 8, 16, scales=(16, 32, 64))
m = D.match_anchors(grid, scene128.boxes)
print(m.counts())
pos = np.flatnonzero(m.labels == 1)
for line in m.lines(pos[:5]):
    print(line)
assert np.allclose(B.decode(grid[pos], m.targets[pos]), scene128.boxes[m.matched_gt[pos]])
# %% [markdown]
# The notes' Faster R-CNN page then keeps the best-scoring proposals after NMS (about 2,000 in
# training, 300 at test in the paper), RoI-pools each to 7 × 7 (section 5), classifies it and
# regresses its box once more. The network is trained with a classification loss plus a box
# regression loss, for the RPN and for the head.
#
# ## 7 · YOLO: one look, a grid
# YOLO ("You **Only Look** Once" — the notes write "You Look Only Once") resizes the image to
# e.g. 416 × 416 and divides it into an S × S grid, 13 × 13 cells of 32 px. The cell that
# contains an object's **centre** is responsible for it. Each cell predicts B boxes; each box is
# (x, y) the centre as an offset inside the cell, (w, h) relative to the image, and a
# confidence. The notes mix two versions: in YOLOv1 (S = 7, B = 2) the class probabilities
# are one set **per cell**, an output of S × S × (5B + C); in YOLOv3 (B = 3 per scale, at 13 × 13,
# 26 × 26 and 52 × 52) every box has its own class scores, S × S × B·(5 + C).
# %%
from nnlab.engine import yolo as Y

print("stride at 416 with S = 13:", Y.stride(416, 13))
print("YOLOv1 output (S=7, B=2, C=20): ", Y.output_shape(7, 2, 20, "v1"))
print("YOLOv3 output (S=13, B=3, C=80):", Y.output_shape(13, 3, 80, "v3"))
row, col, ox, oy = Y.responsible_cell(200 / 416, 100 / 416, 13)
print(f"centre at pixel (200, 100) → cell (row {row}, col {col}), offset inside it ({ox:.3f}, {oy:.3f})")
# %% [markdown]
# ### YOLO label files
# Training data is an image plus a text file with one line per object:
# `<class_id> <x_center> <y_center> <width> <height>`, the four numbers normalised by the image
# width and height (0 to 1). `Y.read_labels` checks every line; a malformed line is reported
# with the **file and line number**.
# %%
import os

from nnlab.core.data import data_path

CLASSES = ["car", "person", "bicycle"]
example = os.path.relpath(data_path("yolo_example.txt"))
print(open(example).read())
labels = Y.read_labels(example, class_names=CLASSES)
for lab in labels:
    x1, y1, x2, y2 = lab.xyxy(416, 416)
    r, c, _, _ = Y.responsible_cell(lab.x_center, lab.y_center, 13)
    print(f"line {lab.line}: {CLASSES[lab.class_id]:8s} box ({x1:.1f}, {y1:.1f}, {x2:.1f}, {y2:.1f}) px "
          f"→ cell ({r}, {c})")
# %%
from nnlab.views.detection_view import yolo_grid_figure

yolo_grid_figure(labels, S=13)
# %% [markdown]
# A file with one mistake of each kind: strict reading raises one error listing every bad line;
# `lenient=True` returns the valid lines *and* the problems, so nothing is lost silently.
# %%
bad = data_path("yolo_malformed.txt")
try:
    Y.read_labels(bad, class_names=CLASSES)
except ValueError as err:
    print(type(err).__name__)
    for p in err.problems:   # each names the file (here by its name: the folder depends on the install)
        print(" ", p.replace(str(bad), bad.name))
good, problems = Y.read_labels(bad, class_names=CLASSES, lenient=True)
print("valid lines kept:", [(lab.line, CLASSES[lab.class_id]) for lab in good])
assert len(problems) == 4
# %% [markdown]
# Writing goes through the same checks (a bad label raises before anything is written):
# %%
text = Y.format_labels(Y.labels_from_boxes(scene128.boxes, scene128.classes, 128, 128))
print(text)
# %% [markdown]
# ## 8 · Two stages or one
# **Faster R-CNN** is a *two-stage* detector: first propose regions (the RPN), then classify and
# refine each proposal. **SSD** and **YOLO** are *one-stage*: one network predicts classes and
# boxes for a fixed set of positions at once — faster, historically a little less accurate on
# small objects (SSD answers with several feature maps: early, fine maps for small objects,
# deep, coarse maps for large ones). What each piece of this notebook does in each:
# %%
print(C.pipeline_table())
# %% [markdown]
# ## 9 · Labelling detected objects with pre-trained embeddings (CLIP)
# The slides' last point: a detector trained on a fixed list of classes can be given *new* labels
# by **embeddings**. Crop each detected box (or take its RoI-pooled features), pass it through a
# pre-trained image encoder (ResNet, ViT, or CLIP's) and compare the embedding with others:
# with CLIP, encode text prompts such as "a photo of a {label}" for every candidate label with
# CLIP's text encoder, and give the box the label whose text embedding has the highest cosine
# similarity with the image embedding (zero-shot: no retraining).
#
# What that would need here, and nnlab does not ship: the pre-trained CLIP weights (hundreds of MB,
# e.g. ViT-B/32) and a library that runs them (`open_clip` or `transformers`), the image
# preprocessing CLIP was trained with (224 × 224, its normalisation), and the list of candidate
# label texts. The boxes, the crops (section 5's RoI pooling or a resize of each box) and the
# cosine similarity are the parts built here.
#
# ## Exercises
# Type your answer in place of `None` and run the cell: the check says whether it is right and
# recognises the usual slips (log base 10, dividing by one box's area, [col, row], counting from
# 1). `ex.solution(n)` shows the worked answer when you want it.
# %%
from nnlab.course.detection import exercise_set

ex = exercise_set(SEED)   # SEED is set in the setup cell; your instructor may give you another
print(ex.show(1))
# %%
answer = None  # Δw = ln(w_gt / w)
ex.check(1, answer)
# %%
print(ex.show(2))
# %%
answer = None  # the IoU
ex.check(2, answer)
# %%
print(ex.show(3))
# %%
answer = None  # [row, col]
ex.check(3, answer)
# %%
print(ex.show(4))
# %%
answer = None  # number of boxes kept
ex.check(4, answer)
# %%
print(ex.show(5))
# %%
answer = None  # number of anchors
ex.check(5, answer)
