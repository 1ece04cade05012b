/* test_nn_seed_mnist.c — end to end on real data: the seed preset (the blog
 * post's network and recipe) trained on the first 10,000 MNIST training
 * images must score above 85% on the 10,000 test images.  Needs full MNIST
 * (../shared/mnist or data/mnist; fails without it).  Measured 87.48%, loss
 * 0.1765, the same to the last digit under OpenBLAS's Haswell, SkylakeX and
 * Prescott kernels and with OpenMP off (2026-12-02, AMD EPYC). */
#include "nn.h"
#include "nn_data.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", test_mnist_dir());
    nn_dataset train, test;
    nn_error err;
    if (nn_mnist_load(&train, dir, NN_MNIST_TRAIN, &err) != NN_OK ||
        nn_mnist_load(&test, dir, NN_MNIST_TEST, &err) != NN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    CHECK(train.n == 60000 && test.n == 10000);
    train.n = 10000; /* the first 10,000, in file order (freeing is unaffected) */

    nn_arch arch;
    nn_train_config cfg;
    CHECK(nn_arch_parse("seed", &arch, &err) == NN_OK);
    CHECK(nn_train_config_preset("seed", &cfg, &err) == NN_OK);
    nn_model *m = nn_model_create(&arch, &err);
    CHECK(m != NULL);
    if (!m)
        return test_finish("test_nn_seed_mnist");
    nn_model_init_params(m, cfg.init, cfg.seed);
    nn_trainer *t = nn_trainer_create(m, &cfg, train.n, &err);
    CHECK(t != NULL);
    float loss = 0;
    CHECK(t && nn_train_epoch(t, &train, 0, NULL, NULL, &loss, &err) == NN_OK);
    nn_eval ev;
    CHECK(nn_evaluate(m, &test, 0, &ev, &err) == NN_OK);
    printf("seed on 10k: loss %.4f, test accuracy %.4f\n", loss, ev.accuracy);
    CHECK(ev.accuracy > 0.85);
    CHECK(loss > 0 && loss < 0.25);
    nn_trainer_free(t);
    nn_model_free(m);
    nn_dataset_free(&train);
    nn_dataset_free(&test);
    return test_finish("test_nn_seed_mnist");
}
