//! Parameters and columns as both databases see them: integers (SQLite
//! INTEGER, PostgreSQL BIGINT), reals, text and bytes, or NULL of one of those.

use rusqlite::types::{ToSqlOutput, ValueRef};

/// The type of a parameter, also when it is NULL (PostgreSQL types every
/// parameter of a prepared statement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Int,
    Real,
    Text,
    Blob,
}

/// One bound parameter, borrowed from the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg<'a> {
    Null(Kind),
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl Arg<'_> {
    #[must_use]
    pub fn kind(&self) -> Kind {
        match self {
            Arg::Null(kind) => *kind,
            Arg::Int(_) => Kind::Int,
            Arg::Real(_) => Kind::Real,
            Arg::Text(_) => Kind::Text,
            Arg::Blob(_) => Kind::Blob,
        }
    }

    #[must_use]
    pub fn to_value(&self) -> Value {
        match *self {
            Arg::Null(_) => Value::Null,
            Arg::Int(i) => Value::Int(i),
            Arg::Real(r) => Value::Real(r),
            Arg::Text(t) => Value::Text(t.to_owned()),
            Arg::Blob(b) => Value::Blob(b.to_owned()),
        }
    }
}

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Arg::Null(_) => ValueRef::Null,
            Arg::Int(i) => ValueRef::Integer(i),
            Arg::Real(r) => ValueRef::Real(r),
            Arg::Text(t) => ValueRef::Text(t.as_bytes()),
            Arg::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// An owned value: a PostgreSQL row's column, a dynamic parameter, a copied row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// Anything that binds as one parameter.
pub trait Param {
    fn arg(&self) -> Arg<'_>;
}

/// The parameter type of a value that can also be NULL (`Option<T>`).
pub trait Typed {
    const KIND: Kind;
}

macro_rules! int_param {
    ($convert:expr => $($t:ty),*) => {$(
        impl Param for $t {
            fn arg(&self) -> Arg<'_> {
                Arg::Int($convert(*self))
            }
        }
        impl Typed for $t {
            const KIND: Kind = Kind::Int;
        }
    )*};
}
int_param!(i64::from => i64, i32, i16, i8, u32, u16, u8);
// Counts and ids past i64::MAX do not occur; they would wrap rather than panic.
int_param!(|v| v as i64 => u64, usize);

impl Param for bool {
    fn arg(&self) -> Arg<'_> {
        Arg::Int(i64::from(*self))
    }
}
impl Typed for bool {
    const KIND: Kind = Kind::Int;
}

impl Param for f64 {
    fn arg(&self) -> Arg<'_> {
        Arg::Real(*self)
    }
}
impl Typed for f64 {
    const KIND: Kind = Kind::Real;
}

impl Param for str {
    fn arg(&self) -> Arg<'_> {
        Arg::Text(self)
    }
}
impl Typed for str {
    const KIND: Kind = Kind::Text;
}

impl Param for String {
    fn arg(&self) -> Arg<'_> {
        Arg::Text(self)
    }
}
impl Typed for String {
    const KIND: Kind = Kind::Text;
}

impl Param for std::borrow::Cow<'_, str> {
    fn arg(&self) -> Arg<'_> {
        Arg::Text(self)
    }
}
impl Typed for std::borrow::Cow<'_, str> {
    const KIND: Kind = Kind::Text;
}

impl Param for [u8] {
    fn arg(&self) -> Arg<'_> {
        Arg::Blob(self)
    }
}
impl Typed for [u8] {
    const KIND: Kind = Kind::Blob;
}

impl Param for Vec<u8> {
    fn arg(&self) -> Arg<'_> {
        Arg::Blob(self)
    }
}
impl Typed for Vec<u8> {
    const KIND: Kind = Kind::Blob;
}

impl<T: Param + ?Sized> Param for &T {
    fn arg(&self) -> Arg<'_> {
        (**self).arg()
    }
}
impl<T: Typed + ?Sized> Typed for &T {
    const KIND: Kind = T::KIND;
}

impl<T: Param + Typed> Param for Option<T> {
    fn arg(&self) -> Arg<'_> {
        match self {
            Some(v) => v.arg(),
            None => Arg::Null(T::KIND),
        }
    }
}

impl Param for Value {
    fn arg(&self) -> Arg<'_> {
        match self {
            // An untyped NULL binds as text; PostgreSQL casts a text NULL
            // only where the SQL says so, so typed parameters are preferred.
            Value::Null => Arg::Null(Kind::Text),
            Value::Int(i) => Arg::Int(*i),
            Value::Real(r) => Arg::Real(*r),
            Value::Text(t) => Arg::Text(t),
            Value::Blob(b) => Arg::Blob(b),
        }
    }
}

impl Param for Arg<'_> {
    fn arg(&self) -> Arg<'_> {
        *self
    }
}

/// A statement's parameters, in order (`?1`, `?2`...), or by name
/// (`:name`, as a slice of `(":name", &value)` pairs).
pub trait Params {
    fn args(&self) -> Vec<Arg<'_>>;

    /// The parameters by name, for SQL that names them.
    fn named(&self) -> Option<Vec<(&str, Arg<'_>)>> {
        None
    }
}

impl Params for [(&str, &dyn Param)] {
    fn args(&self) -> Vec<Arg<'_>> {
        Vec::new()
    }

    fn named(&self) -> Option<Vec<(&str, Arg<'_>)>> {
        Some(self.iter().map(|(name, p)| (*name, p.arg())).collect())
    }
}

/// `sql` with its `:name` parameters numbered, and their values in that order.
pub(super) fn number_named<'a>(sql: &str, named: &[(&str, Arg<'a>)]) -> Result<(String, Vec<Arg<'a>>), String> {
    let mut out = String::with_capacity(sql.len());
    let mut order: Vec<&str> = Vec::new();
    let mut args = Vec::new();
    let mut quote: Option<char> = None;
    let mut rest = sql;
    while let Some(c) = rest.chars().next() {
        let len = c.len_utf8();
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == ':' && rest[1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '_') => {
                let end =
                    1 + rest[1..].find(|n: char| !(n.is_ascii_alphanumeric() || n == '_')).unwrap_or(rest.len() - 1);
                let name = &rest[..end];
                let number = if let Some(i) = order.iter().position(|n| *n == name) {
                    i + 1
                } else {
                    let (_, value) =
                        named.iter().find(|(n, _)| *n == name).ok_or_else(|| format!("no value for {name}"))?;
                    order.push(name);
                    args.push(*value);
                    order.len()
                };
                out.push('?');
                out.push_str(&number.to_string());
                rest = &rest[end..];
                continue;
            }
            // Inside quotes, or any other character.
            _ => {}
        }
        out.push(c);
        rest = &rest[len..];
    }
    Ok((out, args))
}

impl Params for () {
    fn args(&self) -> Vec<Arg<'_>> {
        Vec::new()
    }
}

impl<T: Param> Params for [T] {
    fn args(&self) -> Vec<Arg<'_>> {
        self.iter().map(Param::arg).collect()
    }
}

impl<T: Param, const N: usize> Params for [T; N] {
    fn args(&self) -> Vec<Arg<'_>> {
        self.iter().map(Param::arg).collect()
    }
}

impl<T: Param> Params for Vec<T> {
    fn args(&self) -> Vec<Arg<'_>> {
        self.iter().map(Param::arg).collect()
    }
}

impl<T: Params + ?Sized> Params for &T {
    fn args(&self) -> Vec<Arg<'_>> {
        (**self).args()
    }

    fn named(&self) -> Option<Vec<(&str, Arg<'_>)>> {
        (**self).named()
    }
}

/// One column of a result row, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl<'a> From<ValueRef<'a>> for Cell<'a> {
    fn from(v: ValueRef<'a>) -> Self {
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Int(i),
            ValueRef::Real(r) => Cell::Real(r),
            // Text that is not UTF-8 is read as bytes and refused by String.
            ValueRef::Text(t) => std::str::from_utf8(t).map_or(Cell::Blob(t), Cell::Text),
            ValueRef::Blob(b) => Cell::Blob(b),
        }
    }
}

impl<'a> From<&'a Value> for Cell<'a> {
    fn from(v: &'a Value) -> Self {
        match v {
            Value::Null => Cell::Null,
            Value::Int(i) => Cell::Int(*i),
            Value::Real(r) => Cell::Real(*r),
            Value::Text(t) => Cell::Text(t),
            Value::Blob(b) => Cell::Blob(b),
        }
    }
}

impl Cell<'_> {
    fn describe(&self) -> &'static str {
        match self {
            Cell::Null => "NULL",
            Cell::Int(_) => "an integer",
            Cell::Real(_) => "a real number",
            Cell::Text(_) => "text",
            Cell::Blob(_) => "bytes",
        }
    }
}

/// A Rust value read from one column.
pub trait FromColumn: Sized {
    fn from_column(cell: Cell<'_>) -> Result<Self, String>;
}

fn wrong(cell: Cell<'_>, wanted: &str) -> String {
    format!("expected {wanted}, found {}", cell.describe())
}

macro_rules! int_column {
    ($($t:ty),*) => {$(
        impl FromColumn for $t {
            fn from_column(cell: Cell<'_>) -> Result<Self, String> {
                match cell {
                    Cell::Int(i) => <$t>::try_from(i).map_err(|_| format!("{i} does not fit {}", stringify!($t))),
                    other => Err(wrong(other, "an integer")),
                }
            }
        }
    )*};
}
int_column!(i64, i32, i16, u32, u16, u8, u64, usize);

impl FromColumn for bool {
    fn from_column(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Int(i) => Ok(i != 0),
            other => Err(wrong(other, "a boolean (0 or 1)")),
        }
    }
}

impl FromColumn for f64 {
    fn from_column(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Int(i) => Ok(i as f64),
            Cell::Real(r) => Ok(r),
            other => Err(wrong(other, "a number")),
        }
    }
}

impl FromColumn for String {
    fn from_column(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Text(t) => Ok(t.to_owned()),
            other => Err(wrong(other, "text")),
        }
    }
}

impl FromColumn for Vec<u8> {
    fn from_column(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Blob(b) => Ok(b.to_owned()),
            Cell::Text(t) => Ok(t.as_bytes().to_owned()),
            other => Err(wrong(other, "bytes")),
        }
    }
}

impl FromColumn for Value {
    fn from_column(cell: Cell<'_>) -> Result<Self, String> {
        Ok(match cell {
            Cell::Null => Value::Null,
            Cell::Int(i) => Value::Int(i),
            Cell::Real(r) => Value::Real(r),
            Cell::Text(t) => Value::Text(t.to_owned()),
            Cell::Blob(b) => Value::Blob(b.to_owned()),
        })
    }
}

impl<T: FromColumn> FromColumn for Option<T> {
    fn from_column(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Null => Ok(None),
            other => T::from_column(other).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_value_keeps_its_type() {
        assert_eq!(None::<i64>.arg(), Arg::Null(Kind::Int));
        assert_eq!(None::<&str>.arg(), Arg::Null(Kind::Text));
        assert_eq!(Some("x").arg(), Arg::Text("x"));
        assert_eq!(true.arg(), Arg::Int(1));
    }

    #[test]
    fn named_parameters_are_numbered_in_order_of_use() {
        let (limit, id) = (10_i64, "x");
        let named: Vec<(&str, Arg<'_>)> = vec![(":limit", limit.arg()), (":id", id.arg()), (":unused", Arg::Int(1))];
        let (sql, args) = number_named("SELECT ':id' FROM t WHERE id = :id OR b = :id LIMIT :limit", &named).unwrap();
        assert_eq!(sql, "SELECT ':id' FROM t WHERE id = ?1 OR b = ?1 LIMIT ?2");
        assert_eq!(args, vec![Arg::Text("x"), Arg::Int(10)]);
        assert!(number_named("SELECT :missing", &named).is_err());
    }

    #[test]
    fn columns_refuse_what_does_not_fit() {
        assert_eq!(u32::from_column(Cell::Int(7)), Ok(7));
        assert!(u32::from_column(Cell::Int(-1)).is_err());
        assert!(i64::from_column(Cell::Text("7")).is_err());
        assert_eq!(Option::<String>::from_column(Cell::Null), Ok(None));
        assert!(String::from_column(Cell::Null).is_err());
        assert_eq!(f64::from_column(Cell::Int(2)), Ok(2.0));
    }
}
