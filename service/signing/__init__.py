"""Keys, public key documents and signatures."""
