//! The header dict of a `.npy` file: a Python literal such as
//! `{'descr': '<f8', 'fortran_order': False, 'shape': (150, 4), }`, read by a
//! small depth-limited recursive-descent parser whose errors say what is wrong.

/// How deeply the header's literals may nest (numpy's own headers nest 2 deep).
const MAX_DEPTH: usize = 16;

/// A shape as Python prints it: `(3,)`, `(2, 3, 4)`.
pub(super) fn shape_repr(shape: &[u64]) -> String {
    if let [n] = shape {
        format!("({n},)")
    } else {
        let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
        format!("({})", dims.join(", "))
    }
}

/// The three entries of a `.npy` header dict.
pub(super) struct Header {
    pub(super) descr: String,
    pub(super) fortran_order: bool,
    pub(super) shape: Vec<u64>,
}

impl Header {
    /// Reads the header dict; the error says what is wrong with it.
    pub(super) fn parse(text: &str) -> Result<Self, String> {
        let mut parser = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let Literal::Dict(entries) = parser.literal(0)? else {
            return Err("the header is not a dict".to_owned());
        };
        let get = |key: &str| {
            entries
                .iter()
                .find(|(k, _)| matches!(k, Literal::Str(s) if s == key))
                .map(|(_, v)| v)
                .ok_or_else(|| format!("the header has no '{key}' entry"))
        };
        let descr = match get("descr")? {
            Literal::Str(s) => s.clone(),
            // A list of fields: a structured (record) array.
            Literal::List => "[...]".to_owned(),
            _ => return Err("'descr' is not a string".to_owned()),
        };
        let Literal::Bool(fortran_order) = *get("fortran_order")? else {
            return Err("'fortran_order' is not True or False".to_owned());
        };
        let Literal::Tuple(dims) = get("shape")? else {
            return Err("'shape' is not a tuple".to_owned());
        };
        let shape = dims
            .iter()
            .map(|dim| match dim {
                Literal::Int(n) => Ok(*n),
                _ => Err("'shape' holds something other than whole numbers".to_owned()),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            descr,
            fortran_order,
            shape,
        })
    }
}

/// The Python literals a `.npy` header can hold.
enum Literal {
    Str(String),
    Int(u64),
    Bool(bool),
    None,
    Tuple(Vec<Literal>),
    /// A list; its items are not needed (a list `descr` means a structured array).
    List,
    Dict(Vec<(Literal, Literal)>),
}

/// A recursive-descent reader of Python literals, depth-limited.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
        self.s.get(self.i).copied()
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!(
                "expected '{}' at byte {} of the header",
                char::from(c),
                self.i
            ))
        }
    }

    fn literal(&mut self, depth: usize) -> Result<Literal, String> {
        if depth > MAX_DEPTH {
            return Err("the header nests too deeply".to_owned());
        }
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                while self.peek() != Some(b'}') {
                    let key = self.literal(depth + 1)?;
                    self.expect(b':')?;
                    let value = self.literal(depth + 1)?;
                    entries.push((key, value));
                    if self.peek() != Some(b'}') {
                        self.expect(b',')?;
                    }
                }
                self.i += 1;
                Ok(Literal::Dict(entries))
            }
            Some(open @ (b'(' | b'[')) => {
                self.i += 1;
                let close = if open == b'(' { b')' } else { b']' };
                let mut items = Vec::new();
                while self.peek() != Some(close) {
                    items.push(self.literal(depth + 1)?);
                    if self.peek() != Some(close) {
                        self.expect(b',')?;
                    }
                }
                self.i += 1;
                Ok(if open == b'(' {
                    Literal::Tuple(items)
                } else {
                    Literal::List
                })
            }
            Some(quote @ (b'\'' | b'"')) => {
                self.i += 1;
                let mut bytes = Vec::new();
                loop {
                    match self.s.get(self.i) {
                        None => return Err("a string in the header is not closed".to_owned()),
                        Some(&c) if c == quote => break,
                        Some(b'\\') => {
                            self.i += 1;
                            bytes.extend(self.s.get(self.i));
                        }
                        Some(&c) => bytes.push(c),
                    }
                    self.i += 1;
                }
                self.i += 1;
                Ok(Literal::Str(String::from_utf8_lossy(&bytes).into_owned()))
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                    self.i += 1;
                }
                let digits = self.s.get(start..self.i).unwrap_or_default();
                let n = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse::<u64>().ok())
                    .ok_or_else(|| "a number in the header is too large".to_owned())?;
                // Python 2 wrote long integers as `3L`.
                if self.s.get(self.i) == Some(&b'L') {
                    self.i += 1;
                }
                Ok(Literal::Int(n))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(u8::is_ascii_alphanumeric) {
                    self.i += 1;
                }
                match self.s.get(start..self.i).unwrap_or_default() {
                    b"True" => Ok(Literal::Bool(true)),
                    b"False" => Ok(Literal::Bool(false)),
                    b"None" => Ok(Literal::None),
                    word => Err(format!(
                        "unexpected '{}' in the header",
                        String::from_utf8_lossy(word)
                    )),
                }
            }
            Some(c) => Err(format!(
                "unexpected '{}' at byte {} of the header",
                char::from(c).escape_default(),
                self.i
            )),
            None => Err("the header ends too early".to_owned()),
        }
    }
}
