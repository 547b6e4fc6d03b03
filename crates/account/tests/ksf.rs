//! The key-stretching function in force is Argon2id at no less than
//! 64 MiB, t = 3, p = 1 — not `argon2::Argon2::default()`.

use coffer_account::*;
use opaque_ke::generic_array::GenericArray;
use opaque_ke::ksf::Ksf;

#[test]
fn ksf_parameters_in_force_are_at_least_the_floor() {
    let params = Argon2idKsf::default().params();
    assert!(params.check().is_ok());
    assert!(params.m_kib >= 64 * 1024 && params.t >= 3 && params.p >= 1);
    assert_eq!(params, KSF_PARAMS);
    assert!(KSF_PARAMS.check().is_ok());

    // What opaque-ke would use with a plain `Argon2` suite: refused.
    let default = argon2::Params::default();
    let plain = KsfParams {
        m_kib: default.m_cost(),
        t: default.t_cost(),
        p: default.p_cost(),
    };
    assert!(matches!(
        plain.check(),
        Err(AccountError::WeakKsfParams { .. })
    ));
}

#[test]
fn suite_ksf_is_argon2id_v13_at_the_floor_with_a_zero_salt() {
    let input = GenericArray::from([7u8; 64]);
    let ours = Argon2idKsf::default().hash(input).unwrap();

    let floor = KsfParams::FLOOR;
    let reference = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(floor.m_kib, floor.t, floor.p, None).unwrap(),
    );
    let mut expected = [0u8; 64];
    reference
        .hash_password_into(&[7u8; 64], &[0u8; 16], &mut expected)
        .unwrap();
    assert_eq!(ours.as_slice(), &expected[..]);
}
