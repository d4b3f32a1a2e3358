//! The Barnes-Hut space-partitioning tree for t-SNE's repulsive forces: a
//! quadtree in 2D, an octree in 3D (`D` coordinates, 2^D children).
//!
//! The repulsion on point i is Σⱼ w²ᵢⱼ (yᵢ − yⱼ) with wᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²),
//! and the normaliser Z = Σᵢ Σ_{j≠i} wᵢⱼ. A cell whose side s is small next to
//! its distance, s < θ ‖yᵢ − y_cell‖, stands for all its points at its centre
//! of mass (van der Maaten 2014); θ = 0 is exact.

/// Deeper than this, coincident points share a leaf.
const MAX_DEPTH: usize = 40;

#[derive(Clone, Copy, Debug)]
struct Node<const D: usize> {
    /// Centre of mass.
    com: [f64; D],
    /// Points in the cell.
    count: u32,
    /// Side squared.
    side2: f64,
    /// First child (children are contiguous); 0 for a leaf.
    first_child: u32,
    children: u32,
    /// The cell's points are `order[start..end]`.
    start: u32,
    end: u32,
}

/// A tree over the current map.
pub struct Tree<'a, const D: usize> {
    y: &'a [f64],
    nodes: Vec<Node<D>>,
    order: Vec<u32>,
}

impl<'a, const D: usize> Tree<'a, D> {
    /// Builds the tree over `y` (row-major, D per point).
    #[must_use]
    pub fn new(y: &'a [f64]) -> Self {
        let n = y.len() / D;
        let mut lo = [f64::INFINITY; D];
        let mut hi = [f64::NEG_INFINITY; D];
        for p in y.chunks_exact(D) {
            for d in 0..D {
                lo[d] = lo[d].min(p[d]);
                hi[d] = hi[d].max(p[d]);
            }
        }
        let mut center = [0.0; D];
        let mut half = 0.0f64;
        for d in 0..D {
            center[d] = f64::midpoint(lo[d], hi[d]);
            half = half.max((hi[d] - lo[d]) / 2.0);
        }
        // A little room so points on the boundary fall inside.
        let half = half * (1.0 + 1e-9) + 1e-12;
        let mut tree = Self {
            y,
            nodes: Vec::with_capacity(2 * n + 1),
            order: (0..n as u32).collect(),
        };
        tree.nodes.push(tree.leaf(0, n));
        let mut scratch = vec![0u32; n];
        tree.split(0, center, half, 0, &mut scratch);
        tree
    }

    fn point(&self, p: u32) -> &[f64] {
        let p = p as usize;
        self.y.get(p * D..(p + 1) * D).unwrap_or_default()
    }

    /// A leaf over `order[start..end]` with its centre of mass.
    fn leaf(&self, start: usize, end: usize) -> Node<D> {
        let mut com = [0.0; D];
        for &p in self.order.get(start..end).unwrap_or_default() {
            for (c, v) in com.iter_mut().zip(self.point(p)) {
                *c += v;
            }
        }
        let count = (end - start) as u32;
        for c in &mut com {
            *c /= f64::from(count.max(1));
        }
        Node {
            com,
            count,
            side2: 0.0,
            first_child: 0,
            children: 0,
            start: start as u32,
            end: end as u32,
        }
    }

    /// Splits node `id` (cell at `center`, half-side `half`) into its
    /// non-empty children, recursively.
    fn split(&mut self, id: usize, center: [f64; D], half: f64, depth: usize, scratch: &mut [u32]) {
        let Some(&node) = self.nodes.get(id) else {
            return;
        };
        let side = 2.0 * half;
        if let Some(n) = self.nodes.get_mut(id) {
            n.side2 = side * side;
        }
        let (start, end) = (node.start as usize, node.end as usize);
        if end - start <= 1 || depth >= MAX_DEPTH {
            return;
        }
        // Counting sort of the cell's points by child (bit d: above the centre on axis d).
        let child_of = |p: &[f64]| -> usize {
            (0..D)
                .filter(|&d| p.get(d).copied().unwrap_or(0.0) > center[d])
                .fold(0, |c, d| c | (1 << d))
        };
        let mut counts = vec![0usize; 1 << D];
        for &p in self.order.get(start..end).unwrap_or_default() {
            counts[child_of(self.point(p))] += 1;
        }
        let mut offsets = vec![0usize; (1 << D) + 1];
        for c in 0..1 << D {
            offsets[c + 1] = offsets[c] + counts[c];
        }
        let mut fill = offsets.clone();
        for idx in start..end {
            let p = self.order[idx];
            let c = child_of(self.point(p));
            scratch[fill[c]] = p;
            fill[c] += 1;
        }
        self.order[start..end].copy_from_slice(&scratch[..end - start]);
        let first = self.nodes.len();
        let mut made = Vec::with_capacity(1 << D);
        for c in 0..1 << D {
            if counts[c] > 0 {
                let leaf = self.leaf(start + offsets[c], start + offsets[c + 1]);
                self.nodes.push(leaf);
                made.push(c);
            }
        }
        if let Some(n) = self.nodes.get_mut(id) {
            n.first_child = first as u32;
            n.children = made.len() as u32;
        }
        let quarter = half / 2.0;
        for (k, &c) in made.iter().enumerate() {
            let mut child_center = center;
            for (d, cc) in child_center.iter_mut().enumerate() {
                *cc += if c & (1 << d) != 0 { quarter } else { -quarter };
            }
            self.split(first + k, child_center, quarter, depth + 1, scratch);
        }
    }

    /// The points in tree order: neighbours on the map are near each other in
    /// it, so visiting points in this order keeps the tree's nodes in cache.
    #[must_use]
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    /// The repulsion on point i, Σⱼ w²ᵢⱼ (yᵢ − yⱼ), and its share of Z,
    /// Σ_{j≠i} wᵢⱼ, with opening criterion θ. `stack` is scratch space.
    pub fn repulsion(&self, i: usize, theta2: f64, stack: &mut Vec<u32>) -> ([f64; D], f64) {
        let mut yi = [0.0; D];
        yi.copy_from_slice(self.point(i as u32));
        let mut force = [0.0; D];
        let mut z = 0.0;
        stack.clear();
        stack.push(0);
        while let Some(id) = stack.pop() {
            let Some(node) = self.nodes.get(id as usize) else {
                continue;
            };
            if node.first_child == 0 {
                // A leaf: its points one by one (usually one point).
                for &p in self
                    .order
                    .get(node.start as usize..node.end as usize)
                    .unwrap_or_default()
                {
                    if p as usize == i {
                        continue;
                    }
                    add(&mut force, &mut z, &yi, self.point(p), 1.0);
                }
                continue;
            }
            let d2: f64 = (0..D).map(|d| (yi[d] - node.com[d]).powi(2)).sum();
            if node.side2 < theta2 * d2 {
                add(&mut force, &mut z, &yi, &node.com, f64::from(node.count));
            } else {
                stack.extend(node.first_child..node.first_child + node.children);
            }
        }
        (force, z)
    }
}

/// Adds `count` points at `other` to the force on `yi` and to Z.
#[inline]
fn add<const D: usize>(
    force: &mut [f64; D],
    z: &mut f64,
    yi: &[f64; D],
    other: &[f64],
    count: f64,
) {
    let mut diff = [0.0; D];
    let mut d2 = 0.0;
    for d in 0..D {
        diff[d] = yi[d] - other.get(d).copied().unwrap_or(0.0);
        d2 += diff[d] * diff[d];
    }
    let w = 1.0 / (1.0 + d2);
    *z += count * w;
    let w2 = count * w * w;
    for d in 0..D {
        force[d] += w2 * diff[d];
    }
}
