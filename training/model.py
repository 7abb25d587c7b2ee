"""A small U-Net-style segmenter sized for two CPU cores.

The input is folded into channels first (a fold x fold patch convolution with stride fold), so
every other convolution runs at 1/fold resolution or lower while no pixel is thrown away; the head
predicts the fold x fold sub-pixel outputs of each cell, so the masks come out at full resolution.
The decoder adds upsampled coarse features to the skip connection (FPN style) instead of
concatenating, which halves the cost of the most expensive convolutions. The model emits logits:
a softmax over the class axis of an NCHW tensor is slow in ONNX Runtime, so the host does it.
"""
import torch
from torch import nn
import torch.nn.functional as F


def conv(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1), nn.ReLU(inplace=True))


class FoldUNet(nn.Module):
    def __init__(self, classes, fold=4, widths=(24, 32, 48)):
        super().__init__()
        w0, w1, w2 = widths
        self.fold = fold
        self.classes = classes
        self.stem = nn.Sequential(nn.Conv2d(1, w0, fold, stride=fold), nn.ReLU(inplace=True))
        self.enc0 = conv(w0, w0)
        self.enc1 = nn.Sequential(conv(w0, w1, stride=2), conv(w1, w1))
        self.enc2 = nn.Sequential(conv(w1, w2, stride=2), conv(w2, w2))
        self.lat2 = nn.Conv2d(w2, w1, 1)
        self.dec1 = conv(w1, w1)
        self.lat1 = nn.Conv2d(w1, w0, 1)
        self.dec0 = conv(w0, w0)
        # Sub-pixel head: a bias-free 1x1 conv to classes x fold^2, depth-to-space, one bias per class.
        # Training uses this form (PyTorch's CPU transposed convolution is slow); `exportable()` turns
        # it into the equivalent stride-`fold` transposed convolution, which ONNX Runtime runs faster.
        self.head = nn.Conv2d(w0, classes * fold * fold, 1, bias=False)
        self.head_bias = nn.Parameter(torch.zeros(classes))
        self.deconv = None

    def features(self, x):
        e0 = self.enc0(self.stem(x))
        e1 = self.enc1(e0)
        e2 = self.enc2(e1)
        d1 = self.dec1(e1 + F.interpolate(self.lat2(e2), scale_factor=2.0, mode="nearest"))
        return self.dec0(e0 + F.interpolate(self.lat1(d1), scale_factor=2.0, mode="nearest"))

    def forward(self, x):
        d0 = self.features(x)
        if self.deconv is not None:
            return self.deconv(d0)
        return F.pixel_shuffle(self.head(d0), self.fold) + self.head_bias[None, :, None, None]

    def exportable(self):
        """Replace the head by the equivalent transposed convolution (same outputs, faster in ORT)."""
        cin = self.head.in_channels
        deconv = nn.ConvTranspose2d(cin, self.classes, self.fold, stride=self.fold)
        with torch.no_grad():
            # pixel_shuffle sends channel c * fold^2 + i * fold + j to class c at sub-pixel (i, j).
            deconv.weight.copy_(self.head.weight.view(self.classes, self.fold, self.fold, cin).permute(3, 0, 1, 2))
            deconv.bias.copy_(self.head_bias)
        self.deconv = deconv
        return self

    @property
    def multiple_of(self):
        """Spatial sizes must be multiples of this: the fold times two stride-2 stages."""
        return self.fold * 4


def export_onnx(model, path, opset=13):
    """Export logits with dynamic batch and spatial axes (the net is fully convolutional)."""
    model.eval()
    reference = torch.randn(2, 1, 64, 64)
    with torch.no_grad():
        expected = model(reference)
        model.exportable()
        if not torch.allclose(model(reference), expected, atol=1e-4):
            raise RuntimeError("the exported head does not reproduce the trained head")
    torch.onnx.export(
        model, torch.zeros(1, 1, 128, 128), path, opset_version=opset, input_names=["image"], output_names=["logits"],
        dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"}, "logits": {0: "batch", 2: "height", 3: "width"}},
    )
