//! The standalone shell: the connection screen and the full-page suite served by Trunk.
