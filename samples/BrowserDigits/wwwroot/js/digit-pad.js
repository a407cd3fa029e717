// The drawing side of the digit pad: pointer strokes (mouse, pen or finger) in white on black, as MNIST's digits are,
// the canvas's ink for the .NET side, and the 28x28 picture of what the network sees.

// 18 canvas pixels on the 280-pixel pad: after scaling the digit into MNIST's 20-pixel box, a stroke about as wide as
// MNIST's pen strokes (2 to 3 pixels of 28).
const brushWidth = 18;

export function attach(canvas, page) {
  const context = canvas.getContext("2d", { willReadFrequently: true });
  clear(canvas);
  let last = null;
  const point = event => {
    const bounds = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - bounds.left) * canvas.width / bounds.width,
      y: (event.clientY - bounds.top) * canvas.height / bounds.height,
    };
  };
  canvas.addEventListener("pointerdown", event => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    stroke(context, last, last);
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", event => {
    if (last === null) {
      return;
    }
    const next = point(event);
    stroke(context, last, next);
    last = next;
  });
  const end = () => {
    if (last === null) {
      return;
    }
    last = null;
    canvas.dataset.strokes = String(Number(canvas.dataset.strokes) + 1);
    page.invokeMethodAsync("StrokeEnded", Number(canvas.dataset.strokes));
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
}

function stroke(context, from, to) {
  context.strokeStyle = "white";
  context.lineWidth = brushWidth;
  context.lineCap = "round";
  context.lineJoin = "round";
  context.beginPath();
  context.moveTo(from.x, from.y);
  context.lineTo(to.x, to.y);
  context.stroke();
}

export function clear(canvas) {
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.fillStyle = "black";
  context.fillRect(0, 0, canvas.width, canvas.height);
  canvas.dataset.strokes = "0";
}

// The ink of each canvas pixel, row by row: the red channel of white strokes on black.
export function ink(canvas) {
  const pixels = canvas.getContext("2d", { willReadFrequently: true }).getImageData(0, 0, canvas.width, canvas.height).data;
  const ink = new Uint8Array(canvas.width * canvas.height);
  for (let i = 0; i < ink.length; i++) {
    ink[i] = pixels[4 * i];
  }
  return ink;
}

// Draws 28x28 grey levels (one byte each) on a 28x28 canvas, which CSS enlarges without smoothing.
export function show(canvas, grey) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(canvas.width, canvas.height);
  for (let i = 0; i < grey.length; i++) {
    image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = grey[i];
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}
