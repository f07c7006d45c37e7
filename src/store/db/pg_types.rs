//! Values to and from PostgreSQL's binary format: every parameter is sent
//! as the type it was prepared with; every column the store's SQL produces
//! is read into a [`Value`].

use std::error::Error;

use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use super::value::Value;

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        use bytes::BufMut;
        match (self, ty) {
            (Value::Null, _) => return Ok(IsNull::Yes),
            (Value::Int(i), &Type::INT8) => out.put_i64(*i),
            (Value::Int(i), &Type::INT4) => out.put_i32(i32::try_from(*i)?),
            (Value::Int(i), &Type::INT2) => out.put_i16(i16::try_from(*i)?),
            (Value::Int(i), &Type::FLOAT8) => out.put_f64(*i as f64),
            (Value::Int(i), &Type::BOOL) => out.put_u8(u8::from(*i != 0)),
            (Value::Int(i), &Type::TEXT | &Type::VARCHAR) => out.put_slice(i.to_string().as_bytes()),
            (Value::Real(r), &Type::FLOAT8) => out.put_f64(*r),
            (Value::Real(r), &Type::FLOAT4) => out.put_f32(*r as f32),
            (
                Value::Text(t),
                &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME | &Type::UNKNOWN | &Type::JSON,
            ) => {
                out.put_slice(t.as_bytes());
            }
            (Value::Text(t), &Type::JSONB) => {
                out.put_u8(1);
                out.put_slice(t.as_bytes());
            }
            (Value::Blob(b), &Type::BYTEA) => out.put_slice(b),
            (value, ty) => return Err(format!("cannot send {value:?} as {ty}").into()),
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column of any type the store's SQL produces, read as a [`Value`].
pub(super) struct Decoded(pub(super) Value);

impl<'a> FromSql<'a> for Decoded {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn Error + Sync + Send>> {
        let fixed = |n: usize| -> Result<&[u8], Box<dyn Error + Sync + Send>> {
            raw.get(..n).filter(|_| raw.len() == n).ok_or_else(|| format!("a {ty} of {} bytes", raw.len()).into())
        };
        let value = match *ty {
            Type::BOOL => Value::Int(i64::from(fixed(1)?[0] != 0)),
            Type::INT2 => Value::Int(i64::from(i16::from_be_bytes(fixed(2)?.try_into()?))),
            Type::INT4 => Value::Int(i64::from(i32::from_be_bytes(fixed(4)?.try_into()?))),
            Type::OID => Value::Int(i64::from(u32::from_be_bytes(fixed(4)?.try_into()?))),
            Type::INT8 => Value::Int(i64::from_be_bytes(fixed(8)?.try_into()?)),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_be_bytes(fixed(4)?.try_into()?))),
            Type::FLOAT8 => Value::Real(f64::from_be_bytes(fixed(8)?.try_into()?)),
            Type::NUMERIC => numeric(raw)?,
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON => {
                Value::Text(std::str::from_utf8(raw)?.to_owned())
            }
            Type::JSONB => Value::Text(std::str::from_utf8(raw.get(1..).unwrap_or_default())?.to_owned()),
            Type::BYTEA => Value::Blob(raw.to_owned()),
            _ => return Err(format!("the store does not read columns of type {ty}").into()),
        };
        Ok(Decoded(value))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn Error + Sync + Send>> {
        Ok(Decoded(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A NUMERIC (what `sum` and `avg` of integers give) in its binary form:
/// base-10000 digits with a weight; whole numbers become integers.
fn numeric(raw: &[u8]) -> Result<Value, Box<dyn Error + Sync + Send>> {
    let word = |i: usize| -> Result<i16, Box<dyn Error + Sync + Send>> {
        Ok(i16::from_be_bytes(raw.get(i * 2..i * 2 + 2).ok_or("a short NUMERIC")?.try_into()?))
    };
    let (ndigits, weight, sign, dscale) = (word(0)?, word(1)?, word(2)? as u16, word(3)?);
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let digit = |k: i32| -> Result<i64, Box<dyn Error + Sync + Send>> {
        Ok(if (0..i32::from(ndigits)).contains(&k) { i64::from(word(4 + k as usize)?) } else { 0 })
    };
    let negative = sign == 0x4000;
    if dscale == 0 {
        let mut whole: i64 = 0;
        for k in 0..=i32::from(weight) {
            let d = digit(k)?;
            whole = whole.checked_mul(10_000).and_then(|w| w.checked_add(d)).ok_or("a NUMERIC too large")?;
        }
        return Ok(Value::Int(if negative { -whole } else { whole }));
    }
    let mut real = 0.0;
    for k in 0..i32::from(ndigits) {
        real += digit(k)? as f64 * 10_000f64.powi(i32::from(weight) - k);
    }
    Ok(Value::Real(if negative { -real } else { real }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_bytes(ndigits: i16, weight: i16, sign: u16, dscale: i16, digits: &[i16]) -> Vec<u8> {
        let mut raw = Vec::new();
        for w in [ndigits, weight, sign as i16, dscale] {
            raw.extend_from_slice(&w.to_be_bytes());
        }
        for d in digits {
            raw.extend_from_slice(&d.to_be_bytes());
        }
        raw
    }

    #[test]
    fn numeric_sums_read_as_integers() {
        // 123456789 = 1|2345|6789 in base 10000, weight 2.
        assert_eq!(numeric(&numeric_bytes(3, 2, 0, 0, &[1, 2345, 6789])).unwrap(), Value::Int(123_456_789));
        // 20000 = 2 with weight 1 (the trailing zero digit is not sent).
        assert_eq!(numeric(&numeric_bytes(1, 1, 0, 0, &[2])).unwrap(), Value::Int(20_000));
        assert_eq!(numeric(&numeric_bytes(1, 0, 0x4000, 0, &[7])).unwrap(), Value::Int(-7));
        assert_eq!(numeric(&numeric_bytes(0, 0, 0, 0, &[])).unwrap(), Value::Int(0));
        // 2.5 = 2 . 5000
        assert_eq!(numeric(&numeric_bytes(2, 0, 0, 1, &[2, 5000])).unwrap(), Value::Real(2.5));
    }
}
