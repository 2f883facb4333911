"""Latent arithmetic: interpolation paths, the corner grid, PCA, attribute and style vectors."""
import numpy as np

from latentroll.models.vae import latent as lat


def test_slerp_ends_and_norm():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(16), rng.standard_normal(16)
    p = lat.path(a, b, 5, "slerp")
    assert np.allclose(p[0], a) and np.allclose(p[-1], b)
    # interpolants keep a norm between the ends' (no shrinking toward the origin as lerp does)
    norms = np.linalg.norm(p, axis=1)
    assert norms.min() >= min(norms[0], norms[-1]) - 1e-6
    assert np.linalg.norm(lat.path(a, -a, 3, "lerp")[1]) < 1e-9


def test_grid_corners():
    corners = np.eye(4, 8)
    g = lat.grid(corners, 3)
    assert g.shape == (3, 3, 8)
    assert np.allclose(g[0, 0], corners[0]) and np.allclose(g[0, -1], corners[1])
    assert np.allclose(g[-1, 0], corners[2]) and np.allclose(g[-1, -1], corners[3])
    assert np.allclose(g[1, 1], corners.mean(0))


def test_pca_inverse_lands_on_point():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((200, 10)) * np.arange(1, 11)
    pca = lat.PCA2.fit(x)
    z = pca.inverse(np.array([3.0, -2.0]), base=x[0])
    assert np.allclose(pca.transform(z[None])[0], [3.0, -2.0], atol=1e-4)


def test_attribute_vector_points_toward_the_attribute():
    rng = np.random.default_rng(2)
    z = rng.standard_normal((400, 6))
    values = z[:, 2] * 3 + rng.normal(0, 0.1, 400)
    v = lat.attribute_vector(z, values)
    assert np.argmax(np.abs(v)) == 2 and v[2] > 0


def test_style_gaussians_sample_and_classify():
    rng = np.random.default_rng(3)
    centres = np.array([[4.0, 0, 0], [-4.0, 0, 0], [0, 4.0, 0]])
    styles = rng.integers(0, 3, 3000)
    z = centres[styles] + rng.normal(0, 0.5, (3000, 3))
    g = lat.StyleGaussians.fit(z, styles, 3)
    assert np.allclose(g.means, centres, atol=0.1)
    s = g.sample(1, 500, rng, spread=1.0)
    assert np.allclose(s.mean(0), centres[1], atol=0.15)
    assert 0.4 < s[:, 0].std() < 0.6
    assert (g.most_likely(z) == styles).mean() > 0.99


def test_style_critic_learns_styles_and_keeps_the_surest_candidates():
    from latentroll.models.vae.export import fit_style_critic

    rng = np.random.default_rng(4)
    centres = np.array([[2.0, 0, 5.0], [-2.0, 0, 5.0], [0, 2.0, 5.0]])  # overlapping, off-origin
    styles = rng.integers(0, 3, 3000)
    z = (centres[styles] + rng.normal(0, 1.0, (3000, 3))).astype(np.float32)
    critic = fit_style_critic(z, styles, 3)
    post = critic.log_posterior(z)
    assert np.allclose(np.exp(post).sum(1), 1.0, atol=1e-5)
    assert (post.argmax(1) == styles).mean() > 0.75
    # keeping the surest 10% of style-1 draws: every kept one beats every dropped one
    cands = lat.StyleGaussians.fit(z, styles, 3).sample(1, 400, rng, spread=1.0)
    kept = critic.best(cands, 1, 40)
    assert kept.shape == (40, 3)
    lp = critic.log_posterior(cands)[:, 1]
    assert critic.log_posterior(kept)[:, 1].min() >= np.sort(lp)[-40] - 1e-6
    assert (critic.log_posterior(kept).argmax(1) == 1).all()
