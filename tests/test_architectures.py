"""nnlab.engine.architectures: published totals, shapes by hand, torch modules counted on the meta device."""
import pytest

from nnlab.engine import architectures as A


def test_lenet5_paper_counts_per_layer():
    # LeCun et al. 1998, §II-B: C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164 -> 60,000
    s = A.lenet5("paper")
    counts = [r.params for r in s.rows]
    assert counts[:5] == [156, 12, 1516, 32, 48120] and counts[6] == 10164
    assert s.total == 60_000
    assert s.fixed == 84 * 10             # the hand-set RBF centres of the output layer
    assert [r.output_shape for r in s.rows][:5] == [(28, 28, 6), (14, 14, 6), (10, 10, 16),
                                                     (5, 5, 16), (1, 1, 120)]


def test_lenet5_modern_by_hand():
    want = (5 * 5 * 1 + 1) * 6 + (5 * 5 * 6 + 1) * 16 + (400 + 1) * 120 + (120 + 1) * 84 + (84 + 1) * 10
    assert A.lenet5("modern").total == want == 61_706


def test_alexnet_close_to_the_published_60_million():
    grouped, single = A.alexnet(True), A.alexnet(False)
    for s in (grouped, single):
        assert abs(s.total - 60e6) / 60e6 < 0.05
        assert s.output_shape == (1000,)
    shapes = [r.output_shape for r in grouped.rows if len(r.output_shape) == 3]
    assert shapes[0] == (55, 55, 96) and shapes[-1] == (6, 6, 256)
    # three max pools, five convolutions, three dense layers, two dropouts (as the notes list them)
    labels = [r.layer for r in grouped.rows]
    assert sum("conv" in x for x in labels) == 5 and sum("max pool" in x for x in labels) == 3
    assert sum("dense" in x for x in labels) == 3 and sum("dropout" in x for x in labels) == 2


def test_vgg_against_the_paper_table():
    # Simonyan & Zisserman 2015, Table 2: D (VGG-16) 138 M, E (VGG-19) 144 M parameters
    assert round(A.vgg(16).total / 1e6) == 138
    assert round(A.vgg(19).total / 1e6) == 144
    assert sum("conv" in r.layer for r in A.vgg(16).rows) + 3 == 16


def _torch_count(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.torch
def test_counts_agree_with_torch_modules(torch):
    nn = torch.nn
    meta = {"device": "meta"}

    def vgg(cfg):
        layers, c = [], 3
        for reps, width in zip(cfg, (64, 128, 256, 512, 512)):
            for _ in range(reps):
                layers += [nn.Conv2d(c, width, 3, padding=1, **meta), nn.ReLU()]
                c = width
            layers.append(nn.MaxPool2d(2))
        layers += [nn.Flatten(), nn.Linear(512 * 7 * 7, 4096, **meta), nn.Linear(4096, 4096, **meta),
                   nn.Linear(4096, 1000, **meta)]
        return nn.Sequential(*layers)

    alex = nn.Sequential(nn.Conv2d(3, 96, 11, 4, 2, **meta), nn.MaxPool2d(3, 2),
                         nn.Conv2d(96, 256, 5, padding=2, groups=2, **meta), nn.MaxPool2d(3, 2),
                         nn.Conv2d(256, 384, 3, padding=1, **meta),
                         nn.Conv2d(384, 384, 3, padding=1, groups=2, **meta),
                         nn.Conv2d(384, 256, 3, padding=1, groups=2, **meta), nn.MaxPool2d(3, 2),
                         nn.Flatten(), nn.Linear(9216, 4096, **meta), nn.Linear(4096, 4096, **meta),
                         nn.Linear(4096, 1000, **meta))
    lenet = nn.Sequential(nn.Conv2d(1, 6, 5), nn.AvgPool2d(2), nn.Conv2d(6, 16, 5), nn.AvgPool2d(2),
                          nn.Flatten(), nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10))
    assert _torch_count(vgg(A.VGG_CONFIGS[16])) == A.vgg(16).total
    assert _torch_count(vgg(A.VGG_CONFIGS[19])) == A.vgg(19).total
    assert _torch_count(alex) == A.alexnet(True).total
    assert _torch_count(lenet) == A.lenet5("modern").total
    # and the shapes, run on a real (small) tensor for LeNet
    x = torch.zeros(1, 1, 32, 32)
    assert tuple(lenet[:4](x).shape[1:]) == (16, 5, 5)


def test_fully_connected_on_a_photograph():
    r = A.fc_vs_conv()
    assert r["inputs"] == 1080 * 1080 * 3 == 3_499_200
    assert r["notes_inputs"] == 3_900_000 and r["notes_error"] == 400_800   # the notes' slip
    assert r["dense_params"] == (3_499_200 + 1) * 1000
    assert r["conv_params"] == (3 * 3 * 3 + 1) * 64


def test_table_and_comparison_render():
    text = repr(A.lenet5())
    assert "60,000" in text and "(fixed)" in text
    assert "138,357,544" in A.published_comparison()


@pytest.mark.parametrize("call,name", [
    (lambda: A.summarize((32, 32), []), "input_shape"),
    (lambda: A.summarize((4, 4, 1), [A.Conv(2, 5)]), "conv 2@5×5"),
    (lambda: A.summarize((4, 4, 1), [A.Dense(3)]), "dense 3"),
    (lambda: A.summarize((4, 4, 1), ["conv"]), "layers"),
    (lambda: A.vgg(11), "depth"),
    (lambda: A.lenet5("new"), "form"),
    (lambda: A.summarize((8, 8, 3), [A.Conv(4, 3, groups=2)]), "groups"),
    (lambda: A.fc_vs_conv(height=0), "height"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name}: expected"):
        call()


def test_share_in_words_and_vggs_first_dense_layer():
    """Notebook 07's sentence on VGG-16: the first dense layer's share, counted by hand from the
    paper's layer sizes (25,088 × 4,096 weights + 4,096 biases of 138,357,544 parameters)."""
    from nnlab.engine.architectures import share_in_words, vgg

    v16 = vgg(16)
    first = [r for r in v16.rows if r.layer.startswith("dense")][0]
    assert first.params == 25088 * 4096 + 4096 and v16.total == 138_357_544
    assert share_in_words(first.params / v16.total) == "about three quarters"
    assert share_in_words(0.5) == "half" and share_in_words(0.97) == "almost all"
    assert share_in_words(0.01) == "almost none" and share_in_words(0.3) == "about a third"
    with pytest.raises(ValueError, match="^share: "):
        share_in_words(1.5)
