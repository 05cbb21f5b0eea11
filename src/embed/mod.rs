//! The integration surface: the `<blinger-inbox>` custom element, the `mount` JS API and the
//! host events it emits.
