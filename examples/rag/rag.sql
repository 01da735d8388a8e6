-- Retrieval-augmented generation over a stream of questions (sage-sql).
-- Run it with examples/rag/run.mjs, which starts a local OpenAI-compatible test server and fills
-- in {{endpoint}}; against a real server (vLLM, Ollama, llama.cpp) put its URL there instead.

-- the language model answering (any OpenAI-compatible chat completions server)
CREATE MODEL llm WITH (provider = 'openai', task = 'generation', endpoint = '{{endpoint}}', model = 'test');

-- the knowledge base, with an HNSW index over the embeddings of its text (the embedded model, offline)
CREATE TABLE docs (id INT PRIMARY KEY, title TEXT, body TEXT);
INSERT INTO docs VALUES
  (1, 'Cats', 'a cat likes a warm place to sleep and fresh water to drink'),
  (2, 'Kittens', 'a kitten needs to play with toys and to sleep a lot'),
  (3, 'Dogs', 'a dog needs a long walk every day and a ball to chase'),
  (4, 'Stocks', 'stock markets rise and fall with interest rates and earnings'),
  (5, 'Bonds', 'a bond pays interest until it matures and then returns the money'),
  (6, 'Bread', 'bread needs flour water salt and yeast and a hot oven'),
  (7, 'Pasta', 'pasta cooks in salted boiling water for about ten minutes'),
  (8, 'Rain', 'rain falls when warm moist air rises and cools into clouds'),
  (9, 'Snow', 'snow falls when the air is cold enough to freeze the water in clouds');
CREATE INDEX docs_body_emb ON docs USING hnsw ((EMBED(body)) vector_cosine_ops) WITH (m = 16, ef_construction = 128);

-- the questions arrive as a stream
CREATE STREAM questions (qid INT, text TEXT);

-- the whole pipeline is one continuous view: each question, when it arrives, is joined with the 3
-- nearest docs in the index (VECTOR JOIN), and GENERATE answers it with them as context (nearest
-- first). The model call runs asynchronously inside the view: writers do not wait for it.
CREATE MATERIALIZED VIEW answers AS
  SELECT qid, question, context,
         GENERATE('Answer ' || question || ' using: ' || context, 'llm') AS answer
  FROM (
    SELECT q.qid, q.text AS question, string_agg(d.body, ' | ' ORDER BY d.distance) AS context
    FROM questions q
    VECTOR JOIN docs d ON EMBED(d.body) <=> EMBED(q.text) TOP 3
    GROUP BY q.qid, q.text
  ) retrieved;

INSERT INTO questions VALUES
  (1, 'where should my cat sleep'),
  (2, 'how do interest rates move the stock market'),
  (3, 'how long do I boil pasta');

-- FLUSH waits for the answers the model is still working on
FLUSH;

-- the retrieved context per question (nearest first), as the view sent it to the model
SELECT qid, context FROM answers ORDER BY qid;

-- a later question is answered as it arrives; the earlier answers stay (stored in the view)
INSERT INTO questions VALUES (4, 'when does it snow');
FLUSH;

-- the answers, kept up to date as questions arrive
SELECT qid, answer FROM answers ORDER BY qid;
